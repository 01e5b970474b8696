using Lookalike.Feeds;
using Lookalike.Feeds.Http;

namespace Lookalike.Hosting.Feeds;

/// <summary>What <c>index --feed</c> reads and how it downloads.</summary>
/// <param name="Feed">A feed file, or an http(s) URL.</param>
/// <param name="Columns">The id and image columns.</param>
/// <param name="Format">Null: sniffed from the first bytes.</param>
/// <param name="Prune">Delete the images (and so the items) of products that left the feed.</param>
public sealed record FeedJob(string Feed, FeedColumns Columns, FeedFormat? Format = null, bool Prune = false)
{
    public FeedLimits Limits { get; init; } = FeedLimits.Default;

    public FetchOptions Fetch { get; init; } = new();

    /// <summary>Store the feed's other fields as each item's metadata; false leaves stored metadata as it is.</summary>
    public bool LabelsFromFeed { get; init; }
}

/// <summary>What <see cref="FeedSync.RunAsync"/> did: the feed's bad rows, the downloads, and the folder to index.</summary>
public sealed record FeedSyncOutcome(string Folder, FeedContent Feed, FeedMirrorResult Mirror);

/// <summary>
/// The feed half of <c>index --feed</c>: reads the feed and brings the store's image mirror
/// (<c>&lt;store&gt;/feed-images/</c>) up to date with it; indexing that folder is the ordinary folder ingest.
/// </summary>
public static class FeedSync
{
    /// <summary>The mirror folder of a store.</summary>
    public static string MirrorFolder(string storeDirectory) => Path.Combine(storeDirectory, "feed-images");

    /// <exception cref="Core.Errors.LookalikeException">The feed cannot be read or fetched (see <see cref="FeedSource.ReadAsync"/>).</exception>
    public static async Task<FeedSyncOutcome> RunAsync(FeedJob job, string storeDirectory, IProgress<FeedImageMirror.Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        var feed = await FeedSource.ReadAsync(job.Feed, job.Columns, job.Format, job.Limits, job.Fetch, cancellationToken).ConfigureAwait(false);
        using var fetcher = new ImageFetcher(job.Fetch);
        var mirror = new FeedImageMirror(MirrorFolder(storeDirectory), fetcher, job.Fetch.MaxConcurrency);
        var result = await mirror.SyncAsync(feed.Records, job.Prune, progress, cancellationToken).ConfigureAwait(false);
        return new FeedSyncOutcome(mirror.Folder, feed, result);
    }
}
