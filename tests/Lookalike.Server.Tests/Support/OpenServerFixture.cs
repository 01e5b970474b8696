using Lookalike.TestKit;

namespace Lookalike.Server.Tests.Support;

/// <summary>
/// The real app on Kestrel over 3 photos per class with no API key and no rate limits: writes are open, as on the
/// loopback default. Tests that add or remove items each use their own photos (<see cref="UnusedPhoto"/>) and users, so
/// they do not depend on each other's writes.
/// </summary>
public sealed class OpenServerFixture : IAsyncLifetime
{
    private readonly List<(string Path, string Class)> _unused = [];

    public SampleCatalog Catalog { get; private set; } = null!;

    public KestrelApp Server { get; private set; } = null!;

    /// <summary>
    /// The <paramref name="n"/>-th sample photo of <paramref name="label"/> that is not in the catalog (each test asks
    /// for its own n), for uploads that must not collide with other tests' items.
    /// </summary>
    public string UnusedPhoto(string label, int n) => _unused.Where(p => p.Class == label).ElementAt(n).Path;

    public async Task InitializeAsync()
    {
        Catalog = SampleCatalog.Build(perClass: 3);
        var indexed = Catalog.Items.Select(i => i.Id).ToHashSet(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(RepositoryPaths.SampleLabels).Skip(1).Order(StringComparer.Ordinal))
        {
            string[] cells = line.Split(',');
            if (!indexed.Contains(cells[0])) _unused.Add((Path.Combine(RepositoryPaths.Samples, cells[0]), cells[1]));
        }
        Server = await KestrelApp.StartAsync(Catalog.Store, o =>
        {
            o.UploadRateLimit = "off";
            o.SimilarRateLimit = "off";
        });
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        Catalog?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class OpenServerCollection : ICollectionFixture<OpenServerFixture>
{
    public const string Name = "open server on kestrel";
}
