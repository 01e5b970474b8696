namespace Lookalike.Server.Tests.Support;

/// <summary>4 photos of each of the 10 sample classes (40 items) indexed once, served in memory; read-only tests share it.</summary>
public sealed class ApiFixture : IDisposable
{
    public ApiFixture()
    {
        Catalog = SampleCatalog.Build(perClass: 4);
        Factory = new LookalikeFactory(Catalog.Store);
        Client = Factory.CreateClient();
    }

    public SampleCatalog Catalog { get; }

    public LookalikeFactory Factory { get; }

    public HttpClient Client { get; }

    /// <summary>The canonical URL path of an item: its id percent-encoded as one segment.</summary>
    public static string ItemPath(string id) => "/api/items/" + Uri.EscapeDataString(id);

    public void Dispose()
    {
        Client.Dispose();
        Factory.Dispose();
        Catalog.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api over a real store";
}
