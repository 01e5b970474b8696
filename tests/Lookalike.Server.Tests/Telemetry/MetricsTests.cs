using System.Net;
using System.Net.Http.Json;
using Lookalike.Server.Tests.Support;
using static Lookalike.Server.Tests.Support.ApiFixture;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests.Telemetry;

/// <summary>Lookalike's meter is process-wide: this collection runs alone, so the counts are exactly this test's traffic.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry, alone";
}

/// <summary>
/// <c>serve --metrics</c> on a real Kestrel: after real traffic — a look-alike query, a photo search, a rejected upload,
/// a rate-limited upload, feedback and recommendations — <c>/metrics</c> answers Prometheus text with ASP.NET Core's HTTP
/// server metrics, the runtime's, and each of Lookalike's own with the right value and labels.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class MetricsTests : IAsyncLifetime
{
    private SampleCatalog _catalog = null!;
    private KestrelApp _app = null!;

    public async Task InitializeAsync()
    {
        _catalog = SampleCatalog.Build(perClass: 2);
        _app = await KestrelApp.StartAsync(_catalog.Store, o =>
        {
            o.Metrics = true;
            o.UploadRateLimit = "2/min"; // the third upload is refused
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _catalog.Dispose();
    }

    [Fact]
    public async Task Metrics_AfterTraffic_PrometheusTextWithTheNamedMetricsAndValues()
    {
        using var client = _app.Client();
        (await client.GetAsync(ItemPath(_catalog.Items[0].Id) + "/similar?k=3")).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/search", UploadForm.Image(File.ReadAllBytes(_catalog.Outside[0].Path), "outside.jpg"))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync("/api/search", UploadForm.Image("not a photo"u8.ToArray(), "x.jpg"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.PostAsync("/api/search", UploadForm.Image(File.ReadAllBytes(_catalog.Outside[1].Path), "y.jpg"))).StatusCode);
        (await client.PostAsJsonAsync("/api/users/metrics-user/feedback", new { kind = "like", item = _catalog.Items[1].Id })).EnsureSuccessStatusCode();
        (await client.GetAsync("/api/users/metrics-user/recommendations?k=3")).EnsureSuccessStatusCode();

        using var response = await client.GetAsync("/metrics");
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        var metrics = new PrometheusText(await response.Content.ReadAsStringAsync());

        // Lookalike's own, by OpenTelemetry names (dots become underscores, the unit a suffix).
        Assert.Equal(_catalog.Items.Count, metrics.Value("lookalike_index_items"));
        Assert.Equal(1, metrics.Value("lookalike_queries_total", ("lookalike_query_kind", "item")));
        Assert.Equal(1, metrics.Value("lookalike_queries_total", ("lookalike_query_kind", "image")));
        Assert.Equal(1, metrics.Value("lookalike_queries_total", ("lookalike_query_kind", "recommendations")));
        Assert.Equal(2, metrics.Value("lookalike_search_duration_seconds_count", ("lookalike_index_kind", "exact")));
        Assert.Equal(1, metrics.Value("lookalike_embedding_duration_seconds_count"));
        Assert.True(metrics.Value("lookalike_embedding_duration_seconds_sum") > 0);
        Assert.Equal(1, metrics.Value("lookalike_decode_failures_total", ("error_type", "UnsupportedImage")));
        Assert.Equal(1, metrics.Value("lookalike_uploads_rejected_total", ("lookalike_reject_reason", "UnsupportedImage")));
        Assert.Equal(1, metrics.Value("lookalike_requests_rate_limited_total", ("lookalike_rate_limit_policy", "uploads")));
        Assert.Equal(1, metrics.Value("lookalike_feedback_events_total", ("lookalike_feedback_kind", "like")));
        Assert.Equal(1, metrics.Value("lookalike_recommender_rebuild_duration_seconds_count"));

        // ASP.NET Core's HTTP server metrics, with the standard labels; the runtime's.
        Assert.Equal(1, metrics.Value("http_server_request_duration_seconds_count", ("http_request_method", "POST"), ("http_response_status_code", "429")));
        Assert.Equal(1, metrics.Value("http_server_request_duration_seconds_count", ("http_request_method", "POST"), ("http_response_status_code", "415")));
        Assert.NotNull(metrics.Value("dotnet_gc_collections_total"));
    }

    [Fact]
    public async Task Metrics_WithoutTheOption_NotServed()
    {
        await using var plain = await KestrelApp.StartAsync(_catalog.Store);
        using var client = plain.Client();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/metrics")).StatusCode);
    }
}
