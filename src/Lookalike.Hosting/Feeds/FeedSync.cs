using Lookalike.Core.Errors;
using Lookalike.Feeds;
using Lookalike.Feeds.Http;

namespace Lookalike.Hosting.Feeds;

/// <summary>What <c>index --feed</c> reads and how it downloads.</summary>
/// <param name="Feed">A feed file, or an http(s) URL.</param>
/// <param name="IdColumn">The feed's product id field.</param>
/// <param name="ImageColumn">The feed's image URL field.</param>
/// <param name="Format">csv, tsv, jsonl or xml (see <see cref="IsFormat"/>); null: sniffed from the first bytes.</param>
/// <param name="Prune">Delete the images (and so the items) of products that left the feed.</param>
public sealed record FeedJob(string Feed, string IdColumn = "id", string ImageColumn = "image_link", string? Format = null, bool Prune = false)
{
    /// <summary>The largest feed read, in bytes.</summary>
    public long MaxFeedBytes { get; init; } = DefaultMaxFeedBytes;

    public static long DefaultMaxFeedBytes => FeedLimits.Default.MaxFeedBytes;

    public FeedDownloads Downloads { get; init; } = new();

    /// <summary>Store the feed's other fields as each item's metadata; false leaves stored metadata as it is.</summary>
    public bool LabelsFromFeed { get; init; }

    /// <summary>Whether <paramref name="name"/> names a feed format: csv, tsv, jsonl (or ndjson) and xml (or merchant, rss).</summary>
    public static bool IsFormat(string name) => FeedFormats.Parse(name) is not null;

    internal FeedColumns Columns => new(IdColumn, ImageColumn);

    internal FeedFormat? ParsedFormat => Format is null
        ? null
        : FeedFormats.Parse(Format) ?? throw LookalikeException.InvalidArgument("format", $"The feed format must be csv, tsv, jsonl or xml (got '{Format}').");
}

/// <summary>
/// How the feed's images are downloaded: what it may cost and how politely (the defaults and ranges are the
/// downloader's, <c>Lookalike.Feeds.Http.FetchOptions</c>).
/// </summary>
public sealed record FeedDownloads
{
    private static readonly FetchOptions Defaults = new();

    /// <summary>Downloads in flight at once, over all hosts; 1–256.</summary>
    public int MaxConcurrency { get; init; } = Defaults.MaxConcurrency;

    /// <summary>Downloads in flight to one host at once; 1–64.</summary>
    public int MaxPerHost { get; init; } = Defaults.MaxPerHost;

    /// <summary>Least time between the starts of two requests to one host; zero for none.</summary>
    public TimeSpan PerHostInterval { get; init; } = Defaults.PerHostInterval;

    /// <summary>One attempt, from sending the request to the last byte of the body.</summary>
    public TimeSpan AttemptTimeout { get; init; } = Defaults.AttemptTimeout;

    /// <summary>Retries after a transient failure (connection error, timeout, 408, 429, 5xx); 0–10.</summary>
    public int MaxRetries { get; init; } = Defaults.MaxRetries;

    /// <summary>Largest image accepted, in bytes.</summary>
    public long MaxBytes { get; init; } = Defaults.MaxBytes;

    /// <summary>Connect to link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10); refused when false.</summary>
    public bool AllowLinkLocal { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming (by its property name) the first value out of its range.</summary>
    public void Validate() => ToFetchOptions().Validate();

    internal FetchOptions ToFetchOptions() => Defaults with
    {
        MaxConcurrency = MaxConcurrency,
        MaxPerHost = MaxPerHost,
        PerHostInterval = PerHostInterval,
        AttemptTimeout = AttemptTimeout,
        MaxRetries = MaxRetries,
        MaxBytes = MaxBytes,
        AllowLinkLocal = AllowLinkLocal,
    };
}

/// <summary>A feed row that was not read, and why.</summary>
public sealed record FeedBadRow(int Line, string? Id, string Message);

/// <summary>What <see cref="FeedSync.RunAsync"/> did: the feed's bad rows, the downloads, and the folder to index.</summary>
/// <param name="Format">The feed's format as read: csv, tsv, jsonlines or merchantxml.</param>
/// <param name="Products">The products read from the feed.</param>
public sealed record FeedSyncOutcome(string Folder, string Format, int Products, IReadOnlyList<FeedBadRow> BadRows, FeedMirrorResult Mirror);

/// <summary>
/// The feed half of <c>index --feed</c>: reads the feed and brings the store's image mirror
/// (<c>&lt;store&gt;/feed-images/</c>) up to date with it; indexing that folder is the ordinary folder ingest.
/// </summary>
public static class FeedSync
{
    /// <summary>The mirror folder of a store.</summary>
    public static string MirrorFolder(string storeDirectory) => Path.Combine(storeDirectory, "feed-images");

    /// <exception cref="LookalikeException">The feed cannot be read or fetched (see <see cref="FeedSource.ReadAsync"/>).</exception>
    public static async Task<FeedSyncOutcome> RunAsync(FeedJob job, string storeDirectory, IProgress<FeedImageMirror.Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var fetch = job.Downloads.ToFetchOptions();
        var limits = FeedLimits.Default with { MaxFeedBytes = job.MaxFeedBytes };
        var feed = await FeedSource.ReadAsync(job.Feed, job.Columns, job.ParsedFormat, limits, fetch, cancellationToken).ConfigureAwait(false);
        using var fetcher = new ImageFetcher(fetch);
        var mirror = new FeedImageMirror(MirrorFolder(storeDirectory), fetcher, fetch.MaxConcurrency);
        var result = await mirror.SyncAsync(feed.Records, job.Prune, progress, cancellationToken).ConfigureAwait(false);
        return new FeedSyncOutcome(mirror.Folder, feed.Format.ToString().ToLowerInvariant(), feed.Records.Count,
            feed.Problems.Select(p => new FeedBadRow(p.Line, p.Id, p.Message)).ToList(), result);
    }
}
