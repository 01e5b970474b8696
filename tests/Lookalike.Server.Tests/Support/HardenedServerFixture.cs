namespace Lookalike.Server.Tests.Support;

/// <summary>
/// The real app on Kestrel over 2 photos per class with small, hour-long rate limits (so no window resets during a
/// test), one allowed cross-origin site and an API key. Each test uses its own client address, so each has its own
/// rate-limit partitions and the tests do not depend on each other.
/// </summary>
public sealed class HardenedServerFixture : IAsyncLifetime
{
    public const string AllowedOrigin = "https://shop.example";
    public const string ApiKey = "test-key-7";
    public const int UploadsPerHour = 3;
    public const int SimilarPerHour = 10;

    public SampleCatalog Catalog { get; private set; } = null!;

    public KestrelApp Server { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Catalog = SampleCatalog.Build(perClass: 2);
        Server = await KestrelApp.StartAsync(Catalog.Store, o =>
        {
            o.UploadRateLimit = $"{UploadsPerHour}/h";
            o.SimilarRateLimit = $"{SimilarPerHour}/h";
            o.CorsOrigins = [AllowedOrigin];
            o.ApiKey = ApiKey;
        });
    }

    public async Task DisposeAsync()
    {
        if (Server is not null) await Server.DisposeAsync();
        Catalog?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class HardenedServerCollection : ICollectionFixture<HardenedServerFixture>
{
    public const string Name = "hardened server on kestrel";
}
