namespace Lookalike.Server;

/// <summary>
/// Tunables of <c>lookalike serve</c>, bound from the configuration section <c>Lookalike</c> (so also from the
/// environment, e.g. <c>Lookalike__MaxUploadBytes=10485760</c>). Every one is documented in docs/serving.md.
/// </summary>
public sealed class LookalikeServerOptions
{
    public const string Section = "Lookalike";

    /// <summary>Address used when no <c>--urls</c>/<c>ASPNETCORE_URLS</c> is given: loopback only.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>Store folder; null: <c>$LOOKALIKE_STORE</c>, else <c>./.lookalike</c>.</summary>
    public string? Store { get; set; }

    /// <summary>Model for outside photos: <c>resnet18</c> (+variants) or a manifest.json path; must match the store's. Null: the store's own, from its recorded id.</summary>
    public string? Model { get; set; }

    /// <summary>Largest accepted image upload, in bytes (larger: 413). Default 20 MiB.</summary>
    public long MaxUploadBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Largest accepted width×height of an uploaded image, as its header declares (larger: 413). Default 50 megapixels.</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>Largest <c>k</c> of a look-alike query (1–1000). Default 100.</summary>
    public int MaxK { get; set; } = 100;

    /// <summary><c>k</c> when a query gives none. Default 10.</summary>
    public int DefaultK { get; set; } = 10;

    /// <summary>Largest <c>pageSize</c> of a catalog listing. Default 200.</summary>
    public int MaxPageSize { get; set; } = 200;

    /// <summary><c>pageSize</c> when a listing gives none. Default 24.</summary>
    public int DefaultPageSize { get; set; } = 24;

    /// <summary>Thumbnail size (longest side, pixels) when none is given. Default 256.</summary>
    public int DefaultThumbnailSize { get; set; } = 256;

    /// <summary>Largest thumbnail size in pixels. Default 1024.</summary>
    public int MaxThumbnailSize { get; set; } = 1024;

    /// <summary>Bytes of thumbnails kept in memory. Default 64 MiB.</summary>
    public long ThumbnailMemoryBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Uploads decoded and embedded at the same time (others wait). Default: the number of cores.</summary>
    public int MaxConcurrentImageJobs { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// How long a photo query or upload that arrives while the model is still loading waits for it before answering 503
    /// with Retry-After. Default 30 s; 0 answers at once.
    /// </summary>
    public int ModelWaitSeconds { get; set; } = 30;

    /// <summary>
    /// When set, adding and removing items needs the header <c>X-Api-Key</c> with this value (compared in constant
    /// time). Null or empty: writes are open to same-origin pages and to clients that send no <c>Origin</c> (curl,
    /// scripts), as befits the loopback default; writes from other sites' pages are refused either way unless they
    /// carry the key (see <see cref="Http.SameOriginWrites"/>).
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// Vector index to serve from, as an index spec (<c>exact</c>, <c>auto</c>, <c>hnsw(m=16,ef=64,dtype=f16)</c>). Null:
    /// auto — exact below 50,000 items, above it the HNSW the store was indexed with (its cache), else the default HNSW.
    /// </summary>
    public string? Index { get; set; }

    /// <summary>Longest time a request may take before it is cancelled (504), in seconds; 0 disables. Default 30.</summary>
    public int RequestTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Image searches by upload and item additions each client (remote IP address) may make, as <c>N/s</c>,
    /// <c>N/min</c> or <c>N/h</c> (a fixed window); <c>off</c> or <c>0</c> disables. Over it: 429 with Retry-After.
    /// Default <c>10/s</c>.
    /// </summary>
    public string UploadRateLimit { get; set; } = "10/s";

    /// <summary>
    /// Look-alike and recommendation queries per client, one shared budget (<c>GET /api/items/{id}/similar</c> and
    /// <c>…/also</c>, <c>GET /api/users/{user}/recommendations</c> and <c>…/pair</c>), same syntax. Default <c>100/s</c>.
    /// </summary>
    public string SimilarRateLimit { get; set; } = "100/s";

    /// <summary>
    /// Uncached thumbnail renders per client, same syntax; cached thumbnails are never limited. Default <c>600/min</c>
    /// (a cold page of 24 cards needs 24).
    /// </summary>
    public string ThumbnailRateLimit { get; set; } = "600/min";

    /// <summary>
    /// Host names this server answers for besides <c>localhost</c>, the loopback addresses, its own IP addresses and the
    /// hosts of <c>--urls</c> (e.g. <c>shop.example</c>, <c>*.shop.example</c> for subdomains, <c>*</c> for any name —
    /// which gives up the protection). A request for any other Host gets 421: this is what stops DNS rebinding.
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>
    /// Origins (e.g. <c>https://shop.example</c>) whose pages may read the API with GET. Empty (the default): no
    /// cross-origin access at all. Writes are never allowed cross-origin.
    /// </summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Longest time one uploaded image may take to decode, in seconds (longer: 422); 0 disables. Default 30.</summary>
    public int DecodeTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Serve ASP.NET Core's, the runtime's and Lookalike's own metrics at <c>/metrics</c> in Prometheus text
    /// (docs/observability.md). Default false.
    /// </summary>
    public bool Metrics { get; set; }

    /// <summary>Push metrics and traces over OTLP/HTTP to this collector address (e.g. <c>http://127.0.0.1:4318</c>); null: no push.</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>
    /// A folder to keep the store in step with while serving: new, changed and deleted photos are indexed or removed
    /// within seconds and answered without a restart. Null (default): no watch.
    /// </summary>
    public string? Watch { get; set; }

    /// <summary>Labels CSV for the watched folder, read again on every run; null keeps stored metadata.</summary>
    public string? WatchLabels { get; set; }

    /// <summary>Seconds without a change before a burst of changes in the watched folder is indexed (at most 4× this late). Default 1.</summary>
    public double WatchQuietSeconds { get; set; } = 1;

    /// <summary>Seconds between full rescans of the watched folder, for changes file-system events miss. Default 60.</summary>
    public double WatchRescanSeconds { get; set; } = 60;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first option out of its range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxUploadBytes, 1, nameof(MaxUploadBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxImagePixels, 1, nameof(MaxImagePixels));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxK, 1, nameof(MaxK));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxK, Core.Search.SearchRequest.MaxK, nameof(MaxK));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultK, 1, nameof(DefaultK));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DefaultK, MaxK, nameof(DefaultK));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPageSize, 1, nameof(MaxPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultPageSize, 1, nameof(DefaultPageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DefaultPageSize, MaxPageSize, nameof(DefaultPageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxThumbnailSize, 16, nameof(MaxThumbnailSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(DefaultThumbnailSize, 16, nameof(DefaultThumbnailSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(DefaultThumbnailSize, MaxThumbnailSize, nameof(DefaultThumbnailSize));
        ArgumentOutOfRangeException.ThrowIfNegative(ThumbnailMemoryBytes, nameof(ThumbnailMemoryBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentImageJobs, 1, nameof(MaxConcurrentImageJobs));
        ArgumentOutOfRangeException.ThrowIfNegative(ModelWaitSeconds, nameof(ModelWaitSeconds));
        ArgumentOutOfRangeException.ThrowIfNegative(RequestTimeoutSeconds, nameof(RequestTimeoutSeconds));
        ArgumentOutOfRangeException.ThrowIfNegative(DecodeTimeoutSeconds, nameof(DecodeTimeoutSeconds));
        if (!string.IsNullOrEmpty(OtlpEndpoint)) _ = LookalikeTelemetryExtensions.ParseOtlpEndpoint(OtlpEndpoint, nameof(OtlpEndpoint));
        if (double.IsNaN(WatchQuietSeconds) || WatchQuietSeconds is <= 0 or > 86_400) throw new ArgumentOutOfRangeException(nameof(WatchQuietSeconds), WatchQuietSeconds, "Above 0 and at most 86400 seconds.");
        if (double.IsNaN(WatchRescanSeconds) || WatchRescanSeconds is <= 0 or > 86_400) throw new ArgumentOutOfRangeException(nameof(WatchRescanSeconds), WatchRescanSeconds, "Above 0 and at most 86400 seconds.");
        _ = Http.RateLimit.Parse(UploadRateLimit, nameof(UploadRateLimit));
        _ = Http.RateLimit.Parse(SimilarRateLimit, nameof(SimilarRateLimit));
        foreach (string origin in CorsOrigins) Http.CorsPolicies.CheckOrigin(origin, nameof(CorsOrigins));
        _ = Http.RateLimit.Parse(ThumbnailRateLimit, nameof(ThumbnailRateLimit));
        foreach (string host in AllowedHosts)
        {
            if (string.IsNullOrWhiteSpace(host) || host.Contains("://", StringComparison.Ordinal) || host.Contains('/', StringComparison.Ordinal)
                || (host != "*" && host.LastIndexOf('*') > 0) || (host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[')))
                throw Core.Errors.LookalikeException.InvalidArgument(nameof(AllowedHosts),
                    $"{nameof(AllowedHosts)}: '{host}' is not a host name; give a name such as shop.example or *.shop.example (no scheme, no port).");
        }
    }
}
