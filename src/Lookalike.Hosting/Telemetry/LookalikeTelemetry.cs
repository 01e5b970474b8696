using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lookalike.Hosting.Telemetry;

/// <summary>
/// Lookalike's own metrics and spans, named by OpenTelemetry conventions (docs/observability.md lists them with
/// their Prometheus names). Process-wide on purpose: <see cref="System.Diagnostics.Metrics"/> instruments and
/// <see cref="ActivitySource"/>s are found by name by whatever listens (OpenTelemetry in <c>serve --metrics</c>,
/// <c>dotnet-counters</c>), and cost one null check when nothing does.
/// </summary>
public static class LookalikeTelemetry
{
    /// <summary>The meter's and the activity source's name: what a listener subscribes to.</summary>
    public const string Name = "Lookalike";

    private static readonly string? Version = typeof(LookalikeTelemetry).Assembly.GetName().Version?.ToString();

    public static readonly ActivitySource Spans = new(Name, Version);

    private static readonly Meter Meter = new(Name, Version);

    private static readonly Counter<long> QueryCount = Meter.CreateCounter<long>(
        "lookalike.queries", "{query}", "Look-alike, recommendation and explanation queries answered, by lookalike.query.kind.");

    private static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>(
        "lookalike.search.duration", "s", "Time to rank the index for one query (exact or HNSW, filters and re-ranking included).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });

    private static readonly Histogram<double> EmbeddingDuration = Meter.CreateHistogram<double>(
        "lookalike.embedding.duration", "s", "Time to embed one decoded photo with the model.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> DecodeFailureCount = Meter.CreateCounter<long>(
        "lookalike.decode.failures", "{image}", "Photos that could not be decoded, by error.type (CorruptImage, UnsupportedImage, ImageTooLarge, DecodeTimeout).");

    private static readonly Counter<long> UploadRejectionCount = Meter.CreateCounter<long>(
        "lookalike.uploads.rejected", "{upload}", "Uploaded photos refused, by lookalike.reject.reason.");

    private static readonly Counter<long> RateLimitedCount = Meter.CreateCounter<long>(
        "lookalike.requests.rate_limited", "{request}", "Requests answered 429 by a rate limit, by lookalike.rate_limit.policy.");

    private static readonly Counter<long> FeedbackCount = Meter.CreateCounter<long>(
        "lookalike.feedback.events", "{event}", "Feedback events stored, by lookalike.feedback.kind.");

    private static readonly Histogram<double> RecommenderRebuild = Meter.CreateHistogram<double>(
        "lookalike.recommender.rebuild.duration", "s", "Time to rebuild the recommender from stored feedback.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });

    private static readonly Counter<long> IngestCount = Meter.CreateCounter<long>(
        "lookalike.ingest.images", "{image}", "Photos an index run handled, by lookalike.ingest.outcome (added, updated, unchanged, failed, removed).");

    private static readonly Counter<long> FeedDownloadCount = Meter.CreateCounter<long>(
        "lookalike.feed.downloads", "{image}", "Feed image downloads, by lookalike.feed.outcome (fetched, not_modified, failed).");

    private static Func<long>? _indexItems;

    /// <summary>
    /// Reports <c>lookalike.index.items</c> (items in the loaded index) from <paramref name="count"/>; the server calls
    /// it once its catalog is loaded. Later calls replace the source.
    /// </summary>
    public static void ObserveIndexItems(Func<long> count)
    {
        if (Interlocked.Exchange(ref _indexItems, count) is null)
        {
            Meter.CreateObservableUpDownCounter("lookalike.index.items", () => Volatile.Read(ref _indexItems)?.Invoke() ?? 0,
                "{item}", "Items in the loaded index.");
        }
    }

    /// <param name="kind">item, image, region, batch, recommendations, also, pair, explain.</param>
    public static void Query(string kind) => QueryCount.Add(1, new KeyValuePair<string, object?>("lookalike.query.kind", kind));

    public static void Searched(TimeSpan elapsed, string index) =>
        SearchDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("lookalike.index.kind", index));

    public static void Embedded(TimeSpan elapsed) => EmbeddingDuration.Record(elapsed.TotalSeconds);

    public static void DecodeFailed(string errorType) => DecodeFailureCount.Add(1, new KeyValuePair<string, object?>("error.type", errorType));

    public static void UploadRejected(string reason) => UploadRejectionCount.Add(1, new KeyValuePair<string, object?>("lookalike.reject.reason", reason));

    public static void RateLimited(string policy) => RateLimitedCount.Add(1, new KeyValuePair<string, object?>("lookalike.rate_limit.policy", policy));

    public static void FeedbackStored(string kind, int count = 1) => FeedbackCount.Add(count, new KeyValuePair<string, object?>("lookalike.feedback.kind", kind));

    public static void RecommenderRebuilt(TimeSpan elapsed) => RecommenderRebuild.Record(elapsed.TotalSeconds);

    public static void Ingested(string outcome, int count)
    {
        if (count > 0) IngestCount.Add(count, new KeyValuePair<string, object?>("lookalike.ingest.outcome", outcome));
    }

    public static void FeedDownloads(string outcome, int count)
    {
        if (count > 0) FeedDownloadCount.Add(count, new KeyValuePair<string, object?>("lookalike.feed.outcome", outcome));
    }
}
