using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Lookalike.Hosting.Telemetry;

/// <summary>
/// Lookalike's own metrics and spans, named by OpenTelemetry conventions (docs/observability.md lists them with their
/// Prometheus names, units and attributes). Process-wide like the runtime's and ASP.NET Core's own: instruments and
/// <see cref="ActivitySource"/>s are found by name by whatever listens (OpenTelemetry in <c>serve --metrics</c> and
/// <c>index --otlp</c>, <c>dotnet-counters</c>, a host's own OpenTelemetry set-up), and cost one check when nothing does.
/// </summary>
public static class LookalikeTelemetry
{
    /// <summary>The meter's and the activity source's name: what a listener subscribes to.</summary>
    public const string Name = "Lookalike";

    /// <summary>Span names (children of the request span, or of the caller's span).</summary>
    public const string DecodeSpan = "lookalike.decode", EmbedSpan = "lookalike.embed", SearchSpan = "lookalike.search", RerankSpan = "lookalike.rerank";

    private static readonly string? Version = typeof(LookalikeTelemetry).Assembly.GetName().Version?.ToString();

    /// <summary>Where Lookalike's spans start: decode, embed, search, re-rank.</summary>
    public static readonly ActivitySource Spans = new(Name, Version);

    private static readonly Meter Meter = new(Name, Version);

    // Every open query service, counted by lookalike.index.items (weights unused: a set).
    private static readonly ConcurrentDictionary<Func<long>, byte> IndexSizes = new();

    private static readonly Counter<long> QueryCount = Meter.CreateCounter<long>(
        "lookalike.queries", "{query}", "Queries answered, by lookalike.query.kind (item, image, region, batch, recommendations, session, also, pair, explain).");

    private static readonly Histogram<double> SearchDuration = Meter.CreateHistogram<double>(
        "lookalike.search.duration", "s", "Time to rank the index for one query (filters included, re-ranking not).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });

    private static readonly Histogram<double> EmbeddingDuration = Meter.CreateHistogram<double>(
        "lookalike.embedding.duration", "s", "Time to embed one decoded photo with the model (in a batch: the batch's time over its photos).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    private static readonly Counter<long> DecodeFailureCount = Meter.CreateCounter<long>(
        "lookalike.decode.failures", "{image}", "Photos that could not be decoded, by error.type (CorruptImage, UnsupportedImage, ImageTooLarge, DecodeTimeout).");

    private static readonly Counter<long> UploadRejectionCount = Meter.CreateCounter<long>(
        "lookalike.uploads.rejected", "{upload}", "Uploaded photos refused with a client error, by lookalike.reject.reason (the problem's kind).");

    private static readonly Counter<long> RateLimitedCount = Meter.CreateCounter<long>(
        "lookalike.requests.rate_limited", "{request}", "Requests answered 429 by a per-client limit, by lookalike.rate_limit.policy (uploads, similar, thumbnails).");

    private static readonly Counter<long> FeedbackCount = Meter.CreateCounter<long>(
        "lookalike.feedback.events", "{event}", "Feedback events stored, by lookalike.feedback.kind.");

    private static readonly Histogram<double> RecommenderRebuild = Meter.CreateHistogram<double>(
        "lookalike.recommender.rebuild.duration", "s", "Time to build the recommender from every stored feedback event.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] });

    private static readonly Counter<long> IngestCount = Meter.CreateCounter<long>(
        "lookalike.ingest.images", "{image}", "Photos an index or watch run handled, by lookalike.ingest.outcome (added, updated, unchanged, failed, removed).");

    static LookalikeTelemetry()
    {
        Meter.CreateObservableUpDownCounter("lookalike.index.items", SumIndexSizes, "{item}", "Items in the loaded indexes of this process.");
    }

    /// <summary>
    /// Counts <paramref name="size"/> in <c>lookalike.index.items</c> until the returned handle is disposed (a query
    /// service does this for its index's lifetime).
    /// </summary>
    public static IDisposable TrackIndex(Func<long> size)
    {
        ArgumentNullException.ThrowIfNull(size);
        IndexSizes.TryAdd(size, 0);
        return new Untrack(size);
    }

    /// <param name="kind">item, image, region, batch, recommendations, session, also, pair, explain.</param>
    /// <param name="count">Queries answered together (a batch).</param>
    public static void Query(string kind, int count = 1)
    {
        if (count > 0) QueryCount.Add(count, new KeyValuePair<string, object?>("lookalike.query.kind", kind));
    }

    /// <param name="index">The index kind answering (exact, hnsw, …).</param>
    public static void Searched(TimeSpan elapsed, string index) =>
        SearchDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("lookalike.index.kind", index));

    /// <summary>Records <paramref name="photos"/> embeddings that took <paramref name="elapsed"/> together.</summary>
    public static void Embedded(TimeSpan elapsed, int photos = 1)
    {
        if (photos < 1) return;
        double each = elapsed.TotalSeconds / photos;
        for (int i = 0; i < photos; i++) EmbeddingDuration.Record(each);
    }

    /// <param name="errorType">The error kind (CorruptImage, UnsupportedImage, ImageTooLarge, DecodeTimeout).</param>
    public static void DecodeFailed(string errorType) => DecodeFailureCount.Add(1, new KeyValuePair<string, object?>("error.type", errorType));

    public static void UploadRejected(string reason) => UploadRejectionCount.Add(1, new KeyValuePair<string, object?>("lookalike.reject.reason", reason));

    public static void RateLimited(string policy) => RateLimitedCount.Add(1, new KeyValuePair<string, object?>("lookalike.rate_limit.policy", policy));

    public static void FeedbackStored(string kind, int count = 1)
    {
        if (count > 0) FeedbackCount.Add(count, new KeyValuePair<string, object?>("lookalike.feedback.kind", kind));
    }

    public static void RecommenderRebuilt(TimeSpan elapsed) => RecommenderRebuild.Record(elapsed.TotalSeconds);

    /// <param name="outcome">added, updated, unchanged, failed, removed.</param>
    public static void Ingested(string outcome, int count)
    {
        if (count > 0) IngestCount.Add(count, new KeyValuePair<string, object?>("lookalike.ingest.outcome", outcome));
    }

    /// <summary>Starts a span named <paramref name="name"/> under the current one; null when nothing listens.</summary>
    public static Activity? Start(string name) => Spans.StartActivity(name, ActivityKind.Internal);

    private static long SumIndexSizes()
    {
        long total = 0;
        foreach (var size in IndexSizes.Keys) total += size();
        return total;
    }

    private sealed class Untrack(Func<long> size) : IDisposable
    {
        public void Dispose() => IndexSizes.TryRemove(size, out _);
    }
}
