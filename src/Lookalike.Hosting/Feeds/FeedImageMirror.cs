using System.Collections.Concurrent;
using Lookalike.Core.Catalog;
using Lookalike.Feeds;
using Lookalike.Feeds.Http;
using Lookalike.Hosting.Serving;

namespace Lookalike.Hosting.Feeds;

/// <summary>
/// Keeps a folder of images in step with a feed, one file per product (<c>ID.jpg</c>, <c>ID.png</c>, … by the
/// bytes), so the folder indexer does the rest: unchanged files keep their size and time and are skipped without
/// reading. A product fetched before is asked for conditionally (its ETag and Last-Modified), so a re-run downloads
/// only what changed. A body is accepted only when its first bytes are JPEG, PNG, GIF, WebP or BMP, whatever its
/// Content-Type says. A product whose download fails keeps the image an earlier run fetched; every failure is reported.
/// </summary>
public sealed class FeedImageMirror(string folder, ImageFetcher fetcher, int concurrency)
{
    /// <summary>Progress: products done of all.</summary>
    public sealed record Progress(int Done, int Total, int Failed);

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>Fetches what changed; with <paramref name="prune"/> deletes the images of products no longer in the feed.</summary>
    public async Task<FeedMirrorResult> SyncAsync(IReadOnlyList<FeedRecord> records, bool prune, IProgress<Progress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        Directory.CreateDirectory(Folder);
        var state = FeedMirrorState.Load(Folder);
        var updated = new ConcurrentDictionary<string, FeedMirrorState.Entry>(state.Entries, StringComparer.Ordinal);
        var failures = new ConcurrentBag<FeedFetchFailure>();
        int fetched = 0, notModified = 0, done = 0;

        await Parallel.ForEachAsync(records, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken }, async (record, token) =>
        {
            state.Entries.TryGetValue(record.Id, out var previous);
            bool havePrevious = previous is not null && File.Exists(Path.Combine(Folder, previous.File));
            var validators = havePrevious && previous!.Url == record.ImageUrl.AbsoluteUri ? new CacheValidators(previous.ETag, previous.LastModified) : null;
            var result = await fetcher.FetchAsync(record.ImageUrl, validators, CheckImage, token).ConfigureAwait(false);
            switch (result.Status)
            {
                case FetchStatus.NotModified:
                    updated[record.Id] = previous! with { Metadata = record.Metadata };
                    Interlocked.Increment(ref notModified);
                    break;
                case FetchStatus.Fetched:
                    string file = record.Id + ImageFormat.Sniff(result.Body)!.Extension;
                    WriteAtomically(Path.Combine(Folder, file), result.Body!);
                    if (havePrevious && previous!.File != file) File.Delete(Path.Combine(Folder, previous.File));
                    updated[record.Id] = new FeedMirrorState.Entry(record.ImageUrl.AbsoluteUri, file, result.Validators?.ETag, result.Validators?.LastModified, record.Metadata);
                    Interlocked.Increment(ref fetched);
                    break;
                default:
                    failures.Add(new FeedFetchFailure(record.Id, record.ImageUrl.AbsoluteUri, result.HttpStatus, result.Reason ?? "failed", havePrevious));
                    if (havePrevious) updated[record.Id] = previous! with { Metadata = record.Metadata };
                    else updated.TryRemove(record.Id, out _);
                    break;
            }
            int now = Interlocked.Increment(ref done);
            progress?.Report(new Progress(now, records.Count, failures.Count));
        }).ConfigureAwait(false);

        int pruned = 0;
        if (prune)
        {
            var inFeed = records.Select(r => r.Id).ToHashSet(StringComparer.Ordinal);
            foreach (var (id, entry) in updated.Where(e => !inFeed.Contains(e.Key)).ToList())
            {
                File.Delete(Path.Combine(Folder, entry.File));
                updated.TryRemove(id, out _);
                pruned++;
            }
        }

        var saved = new FeedMirrorState { Entries = new Dictionary<string, FeedMirrorState.Entry>(updated, StringComparer.Ordinal) };
        saved.Save(Folder);
        var labels = saved.Entries.Values
            .Where(e => File.Exists(Path.Combine(Folder, e.File)))
            .ToDictionary(e => ItemId.Parse(e.File), e => e.Metadata);
        return new FeedMirrorResult(labels, fetched, notModified, pruned, failures.OrderBy(f => f.Id, StringComparer.Ordinal).ToList());
    }

    /// <summary>The bytes decide: an image format we decode, else a refusal naming what the server said it sent.</summary>
    private static string? CheckImage(ReadOnlySpan<byte> head, string? contentType) =>
        ImageFormat.Sniff(head) is not null
            ? null
            : $"not an image: the first bytes are not JPEG, PNG, GIF, WebP or BMP (Content-Type {contentType ?? "none"})";

    private static void WriteAtomically(string path, byte[] bytes)
    {
        string temporary = path + ".part";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
    }
}
