using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Ingest;

namespace Lookalike.Hosting.Watch;

/// <summary>
/// Keeps an open store — and the index a running server answers from — in step with a folder (<c>serve --watch</c>):
/// each run is an incremental ingest into the store the server already has open, with its one model session, after
/// which the items it wrote are reloaded into the live index and the items whose photo vanished are removed from both.
/// Items added by upload (kept in the store's own <c>uploads</c> folder) are never pruned. Bad files are reported as by
/// <c>index</c> and the rest is indexed.
/// </summary>
public sealed class LiveFolderSync : IDisposable
{
    private readonly LookalikeStore _store;
    private readonly IImageEmbedder _embedder;
    private readonly string? _labels;
    private readonly string _uploads;
    private readonly ImageDecoderOptions _decoderOptions;
    private readonly IImageDecoder _decoder;
    private readonly SemaphoreSlim _oneRun = new(1, 1);

    /// <param name="store">The open store the server answers from; not owned.</param>
    /// <param name="embedder">The store's model session (the server's own); not owned.</param>
    /// <param name="folder">The photos to mirror; must be the folder the store was indexed from, when it was.</param>
    /// <param name="labels">A labels CSV (a <c>file</c> column and metadata columns) read again on every run; null keeps stored metadata.</param>
    /// <param name="decodeTimeout">Longest decode of one photo; null: the decoder's default.</param>
    /// <exception cref="LookalikeException">NotFound (no such folder); InvalidArgument when the store was indexed from another folder.</exception>
    public LiveFolderSync(LookalikeStore store, IImageEmbedder embedder, string folder, string? labels = null, TimeSpan? decodeTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(folder);
        _store = store;
        _embedder = embedder;
        _labels = labels;
        Folder = Path.GetFullPath(folder);
        if (!Directory.Exists(Folder)) throw LookalikeException.NotFound(Folder, $"Folder to watch not found: {Folder}");
        if (store.Catalog.Root is { } root && !SamePath(root, Folder))
            throw LookalikeException.InvalidArgument("--watch",
                $"Store {store.Location} was indexed from {root}, not {Folder}: watching another folder would remove every item of the first. Watch {root}, or use another --store.");
        _uploads = Path.GetFullPath(Path.Combine(store.Location, Serving.UploadedItems.Folder));
        _decoderOptions = new ImageDecoderOptions();
        if (decodeTimeout is { } limit) _decoderOptions.DecodeTimeout = limit;
        _decoder = LookalikeComponents.CreateDecoder(_decoderOptions);
    }

    /// <summary>The watched folder, absolute.</summary>
    public string Folder { get; }

    /// <summary>
    /// Brings the store and the live index up to date with the folder once: new and changed photos embedded and
    /// searchable, photos gone removed (uploads excepted). Runs one at a time.
    /// </summary>
    public async Task<IngestSummary> SyncOnceAsync(CancellationToken cancellationToken = default)
    {
        await _oneRun.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var labels = _labels is null ? null : LabelsFile.Load(_labels).Rows;
            var pipeline = new IngestPipeline(_store.Catalog, _decoder, _embedder, new IngestOptions(), _decoderOptions);
            // No prune here: the store also holds uploads, which are not in the folder; gone items are removed below.
            var summary = await pipeline.RunAsync(new IngestRequest(Folder, labels), cancellationToken: cancellationToken).ConfigureAwait(false);
            var query = _store.Query;
            query.Edits.Reload(summary.Changed);
            int removed = 0;
            foreach (var id in summary.Gone)
            {
                if (query.Catalog.TryGetItem(id, out var item) && IsUpload(item)) continue;
                if (query.Edits.RemoveItem(id) is not null) removed++;
            }
            Telemetry.LookalikeTelemetry.Ingested("removed", removed);
            return summary with { Removed = removed, Missing = 0 };
        }
        finally
        {
            _oneRun.Release();
        }
    }

    /// <summary>
    /// Syncs at once, then after every burst of changes and every <paramref name="rescan"/>, until cancelled
    /// (see <see cref="FolderWatcher"/>); a failed run is reported and the watch goes on.
    /// </summary>
    /// <param name="report">Each run's reason ("start", "changes", "rescan") and summary.</param>
    public Task RunAsync(TimeSpan quiet, TimeSpan rescan, Action<string, IngestSummary> report, Action<Exception> failed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var watcher = new FolderWatcher(Folder, quiet, rescan);
        return watcher.RunAsync(async (why, token) => report(why, await SyncOnceAsync(token).ConfigureAwait(false)), failed, cancellationToken);
    }

    public void Dispose() => _oneRun.Dispose();

    private bool IsUpload(CatalogItem item) =>
        Path.GetFullPath(item.Path).StartsWith(_uploads + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
