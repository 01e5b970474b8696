namespace Lookalike.Server.Tests.Support;

/// <summary>
/// The real app on Kestrel over 2 photos per class, as shipped (no API key, loopback), with hour-long limits small
/// enough to reach in a test: look-alike queries <see cref="SimilarPerHour"/>, uncached thumbnails
/// <see cref="ThumbnailsPerHour"/>. Each test uses its own client address (own rate-limit partitions), its own users,
/// and the items it names; the tests that change files change <see cref="Victim"/> only.
/// </summary>
public sealed class HostileServerFixture : IAsyncLifetime
{
    public const int SimilarPerHour = 10;
    public const int ThumbnailsPerHour = 8;

    public SampleCatalog Catalog { get; private set; } = null!;

    public KestrelApp Server { get; private set; } = null!;

    /// <summary>The item whose photo the symlink test replaces; no other test reads its photo.</summary>
    public string Victim => Catalog.Items[^1].Id;

    public async Task InitializeAsync()
    {
        Catalog = SampleCatalog.Build(perClass: 2);
        // Options by configuration, as an operator would set them (Lookalike__ThumbnailRateLimit=…).
        Server = await KestrelApp.StartAsync(Catalog.Store, o => o.SimilarRateLimit = $"{SimilarPerHour}/h",
            $"--Lookalike:ThumbnailRateLimit={ThumbnailsPerHour}/h");
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        Catalog?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class HostileServerCollection : ICollectionFixture<HostileServerFixture>
{
    public const string Name = "shipped server on kestrel, probed";
}
