using System.Diagnostics;
using System.Threading.Channels;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Telemetry;

namespace Lookalike.Hosting.Ingest;

/// <summary>
/// The offline half: walks a folder and brings the store up to date with it. Stages run concurrently over
/// channels — read + hash → decode/resize (parallel) → embed → batched transactional writes — so decoding hides
/// behind inference. Unchanged files (same size and time, or same content hash) are not re-embedded.
/// One broken file never stops the run: it becomes an <see cref="IngestFailure"/>.
/// </summary>
public sealed class IngestPipeline
{
    private readonly ICatalogStore _store;
    private readonly IImageDecoder _decoder;
    private readonly IImageEmbedder _embedder;
    private readonly IngestOptions _options;
    private readonly ImageDecoderOptions _decoderOptions;

    public IngestPipeline(ICatalogStore store, IImageDecoder decoder, IImageEmbedder embedder, IngestOptions options, ImageDecoderOptions decoderOptions)
    {
        _store = store;
        _decoder = decoder;
        _embedder = embedder;
        _options = options;
        _decoderOptions = decoderOptions;
    }

    private sealed record WorkItem(ItemId Id, string Path, long Size, DateTimeOffset Modified, IReadOnlyDictionary<string, string> Metadata, bool Exists);

    private sealed record ReadItem(WorkItem Work, byte[] Bytes, string Hash);

    private sealed record DecodedItem(ReadItem Read, DecodedImage Image);

    public async Task<IngestSummary> RunAsync(IngestRequest request, IProgress<IngestProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        string root = Path.GetFullPath(request.Folder);
        if (!Directory.Exists(root)) throw LookalikeException.NotFound(root, $"Folder not found: {root}");

        var clock = Stopwatch.StartNew();
        _store.BindModel(_embedder.Model, _embedder.Dimension);
        _store.SetRoot(root);

        var stored = _store.ReadAll(withVectors: false).ToDictionary(i => i.Id);
        var files = EnumerateImages(root);
        var failures = new List<IngestFailure>();
        var detailUpdates = new List<(ItemId, ItemFingerprint, IReadOnlyDictionary<string, string>)>();
        var toEmbed = new List<WorkItem>();
        var seen = new HashSet<ItemId>();

        foreach (var file in files)
        {
            var id = ItemId.FromPath(root, file.FullName);
            if (id is null)
            {
                failures.Add(new IngestFailure(file.FullName, nameof(LookalikeErrorKind.InvalidArgument), "file name cannot be an item id"));
                continue;
            }
            seen.Add(id.Value);
            var modified = new DateTimeOffset(file.LastWriteTimeUtc).ToUniversalTime();
            // Millisecond precision is what the store keeps.
            modified = DateTimeOffset.FromUnixTimeMilliseconds(modified.ToUnixTimeMilliseconds());
            stored.TryGetValue(id.Value, out var existing);
            var metadata = request.Labels is null
                ? existing?.Metadata ?? CatalogItem.EmptyMetadata
                : request.Labels.TryGetValue(id.Value, out var labelled) ? labelled : CatalogItem.EmptyMetadata;
            if (existing is not null && existing.SizeBytes == file.Length && existing.ModifiedUtc == modified)
            {
                if (!SameMetadata(existing.Metadata, metadata))
                    detailUpdates.Add((id.Value, new ItemFingerprint(existing.ContentHash, existing.SizeBytes, existing.ModifiedUtc), metadata));
                continue;
            }
            toEmbed.Add(new WorkItem(id.Value, file.FullName, file.Length, modified, metadata, existing is not null));
        }

        int total = seen.Count + failures.Count;
        int skippedUpFront = seen.Count - toEmbed.Count;
        var counters = new Counters { Done = skippedUpFront + failures.Count };
        _store.UpdateDetails(detailUpdates);
        progress?.Report(new IngestProgress(counters.Done, total, 0, failures.Count, clock.Elapsed));

        await RunStagesAsync(toEmbed, stored, counters, failures, total, clock, progress, cancellationToken).ConfigureAwait(false);

        var gone = stored.Keys.Where(id => !seen.Contains(id)).ToList();
        int removed = request.Prune ? _store.Remove(gone) : 0;
        progress?.Report(new IngestProgress(counters.Done, total, counters.Added + counters.Updated, failures.Count, clock.Elapsed));
        LookalikeTelemetry.Ingested("added", counters.Added);
        LookalikeTelemetry.Ingested("updated", counters.Updated);
        LookalikeTelemetry.Ingested("unchanged", skippedUpFront + counters.Unchanged);
        LookalikeTelemetry.Ingested("failed", failures.Count);
        LookalikeTelemetry.Ingested("removed", removed);
        return new IngestSummary
        {
            Changed = [.. counters.Written, .. detailUpdates.Select(d => d.Item1)],
            Gone = gone,
            FilesSeen = total,
            Added = counters.Added,
            Updated = counters.Updated,
            Skipped = skippedUpFront + counters.Unchanged,
            Removed = removed,
            Missing = request.Prune ? 0 : gone.Count,
            Failures = failures.OrderBy(f => f.Path, StringComparer.Ordinal).ToList(),
            Elapsed = clock.Elapsed,
        };
    }

    private sealed class Counters
    {
        public int Done;
        public int Added;
        public int Updated;
        public int Unchanged;
        public readonly List<ItemId> Written = [];
    }

    private async Task RunStagesAsync(
        List<WorkItem> work, Dictionary<ItemId, CatalogItem> stored, Counters counters, List<IngestFailure> failures,
        int total, Stopwatch clock, IProgress<IngestProgress>? progress, CancellationToken cancellationToken)
    {
        // Any stage failing for good (e.g. the store cannot be written) cancels the others instead of leaving them blocked.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancellationToken = stop.Token;
        var readChannel = Channel.CreateBounded<ReadItem>(new BoundedChannelOptions(32) { SingleWriter = true });
        var decodedChannel = Channel.CreateBounded<DecodedItem>(new BoundedChannelOptions(Math.Max(1, _options.DecodedQueue)));
        var writeChannel = Channel.CreateBounded<CatalogItem>(new BoundedChannelOptions(_options.WriteBatchSize * 2) { SingleReader = true });
        var failureLock = new Lock();
        var target = _embedder.Target;

        void Fail(string path, Exception e)
        {
            var (kind, message) = e switch
            {
                LookalikeException le => (le.Kind.ToString(), le.Message),
                IOException or UnauthorizedAccessException => (nameof(LookalikeErrorKind.IoFailure), $"{path}: {e.Message}"),
                _ => ("InternalError", $"{path}: {e.GetType().Name}: {e.Message}"),
            };
            lock (failureLock)
            {
                failures.Add(new IngestFailure(path, kind, message));
                counters.Done++;
            }
            progress?.Report(new IngestProgress(counters.Done, total, counters.Added + counters.Updated, failures.Count, clock.Elapsed));
        }

        var touched = new List<(ItemId, ItemFingerprint, IReadOnlyDictionary<string, string>)>();

        // Stage 1: read and hash, sequential (disk-friendly). Same hash as stored → only the timestamp changed.
        var reader = Task.Run(async () =>
        {
            try
            {
                foreach (var item in work)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    byte[] bytes;
                    try
                    {
                        if (item.Size > _decoderOptions.MaxFileBytes)
                            throw new LookalikeException(LookalikeErrorKind.ImageTooLarge,
                                $"{item.Path} is {item.Size:N0} bytes, over the {_decoderOptions.MaxFileBytes:N0}-byte limit.", item.Path);
                        bytes = await File.ReadAllBytesAsync(item.Path, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is LookalikeException or IOException or UnauthorizedAccessException)
                    {
                        Fail(item.Path, e);
                        continue;
                    }
                    string hash = ContentHash.Of(bytes);
                    if (stored.TryGetValue(item.Id, out var existing) && existing.ContentHash == hash)
                    {
                        lock (failureLock)
                        {
                            touched.Add((item.Id, new ItemFingerprint(hash, bytes.LongLength, item.Modified), item.Metadata));
                            counters.Unchanged++;
                            counters.Done++;
                        }
                        continue;
                    }
                    await readChannel.Writer.WriteAsync(new ReadItem(item, bytes, hash), cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                readChannel.Writer.TryComplete();
            }
        }, cancellationToken);

        // Stage 2: decode and fit to the model input, in parallel. Dedicated threads: these loops block on CPU work
        // for milliseconds at a time and must not wait for the thread pool to grow.
        int decodeWorkers = Math.Max(1, _options.DecodeWorkers);
        var decoders = Enumerable.Range(0, decodeWorkers).Select(i => Dedicated($"lookalike-decode-{i}", () =>
        {
            while (readChannel.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                while (readChannel.Reader.TryRead(out var read))
                {
                    DecodedImage image;
                    try
                    {
                        image = _decoder.Decode(read.Bytes, read.Work.Path, target);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        if (e is LookalikeException { Kind: LookalikeErrorKind.UnsupportedImage or LookalikeErrorKind.CorruptImage or LookalikeErrorKind.ImageTooLarge or LookalikeErrorKind.DecodeTimeout } decode)
                            LookalikeTelemetry.DecodeFailed(decode.Kind.ToString());
                        Fail(read.Work.Path, e);
                        continue;
                    }
                    decodedChannel.Writer.WriteAsync(new DecodedItem(read, image), cancellationToken).AsTask().GetAwaiter().GetResult();
                }
            }
        })).ToArray();
        var decodersDone = Task.WhenAll(decoders).ContinueWith(t => decodedChannel.Writer.TryComplete(t.Exception), TaskScheduler.Default);

        // Stage 3: embed. One worker per core with a single-threaded embedder, or one worker with a multi-threaded one.
        // The embedder gets up to its batch size of the images already waiting (never waits for more).
        int embedWorkers = Math.Max(1, _options.EmbedWorkers);
        int batchSize = Math.Max(1, _embedder.BatchSize);
        var embedders = Enumerable.Range(0, embedWorkers).Select(i => Dedicated($"lookalike-embed-{i}", () =>
        {
            var items = new List<DecodedItem>(batchSize);
            var images = new List<DecodedImage>(batchSize);
            while (decodedChannel.Reader.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
            {
                while (items.Count < batchSize && decodedChannel.Reader.TryRead(out var decoded)) items.Add(decoded);
                if (items.Count == 0) continue;
                var vectors = new float[items.Count * _embedder.Dimension];
                bool batched = false;
                if (items.Count > 1)
                {
                    images.Clear();
                    images.AddRange(items.Select(d => d.Image));
                    try
                    {
                        long start = Stopwatch.GetTimestamp();
                        _embedder.EmbedBatch(images, vectors);
                        LookalikeTelemetry.Embedded(Stopwatch.GetElapsedTime(start), images.Count);
                        batched = true;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // Retried one by one below, so a failure is reported for its own file only.
                    }
                }
                for (int k = 0; k < items.Count; k++)
                {
                    var work = items[k].Read.Work;
                    var vector = vectors.AsMemory(k * _embedder.Dimension, _embedder.Dimension);
                    if (!batched)
                    {
                        try
                        {
                            long start = Stopwatch.GetTimestamp();
                            _embedder.Embed(items[k].Image, vector.Span);
                            LookalikeTelemetry.Embedded(Stopwatch.GetElapsedTime(start));
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            Fail(work.Path, e);
                            continue;
                        }
                    }
                    writeChannel.Writer.WriteAsync(new CatalogItem
                    {
                        Id = work.Id,
                        Path = work.Path,
                        ContentHash = items[k].Read.Hash,
                        SizeBytes = items[k].Read.Bytes.LongLength,
                        ModifiedUtc = work.Modified,
                        Metadata = work.Metadata,
                        Model = _embedder.Model,
                        Vector = vector,
                    }, cancellationToken).AsTask().GetAwaiter().GetResult();
                }
                items.Clear();
            }
        })).ToArray();
        var embeddersDone = Task.WhenAll(embedders).ContinueWith(t => writeChannel.Writer.TryComplete(t.Exception), TaskScheduler.Default);

        // Stage 4: batched transactional writes; a crash loses at most the batch in flight.
        var batch = new List<CatalogItem>(_options.WriteBatchSize);
        var lastFlush = Stopwatch.StartNew();
        void Flush()
        {
            if (batch.Count == 0) return;
            _store.Upsert(batch);
            lock (failureLock)
            {
                foreach (var item in batch)
                {
                    counters.Written.Add(item.Id);
                    if (stored.ContainsKey(item.Id)) counters.Updated++;
                    else counters.Added++;
                    counters.Done++;
                }
            }
            batch.Clear();
            lastFlush.Restart();
            progress?.Report(new IngestProgress(counters.Done, total, counters.Added + counters.Updated, failures.Count, clock.Elapsed));
        }

        try
        {
            await foreach (var item in writeChannel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                batch.Add(item);
                if (batch.Count >= _options.WriteBatchSize || lastFlush.ElapsedMilliseconds >= _options.WriteBatchMaxDelayMs) Flush();
            }
            Flush();
            await Task.WhenAll(reader, decodersDone, embeddersDone).ConfigureAwait(false);
            await Task.WhenAll(decoders.Concat(embedders)).ConfigureAwait(false);
        }
        catch
        {
            await stop.CancelAsync().ConfigureAwait(false);
            throw;
        }
        _store.UpdateDetails(touched);
    }

    /// <summary>Runs a blocking stage loop on its own background thread; the task completes (or faults, or is cancelled) with it.</summary>
    private static Task Dedicated(string name, Action body)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                body();
                done.SetResult();
            }
            catch (OperationCanceledException e)
            {
                done.SetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        return done.Task;
    }

    private List<FileInfo> EnumerateImages(string root) => EnumerateImages(root, _options.Extensions);

    /// <summary>
    /// The photos an index run of <paramref name="root"/> looks at: files with one of <paramref name="extensions"/>, in
    /// ordinal path order, nothing under a dot-folder (e.g. the default store <c>./.lookalike</c>) and no dot-files.
    /// </summary>
    public static List<FileInfo> EnumerateImages(string root, IReadOnlySet<string> extensions)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System | FileAttributes.ReparsePoint,
            ReturnSpecialDirectories = false,
        };
        var result = new List<FileInfo>();
        foreach (var path in Directory.EnumerateFiles(root, "*", options))
        {
            // Skip anything under a dot-folder (e.g. the default store ./.lookalike) and dot-files.
            string relative = Path.GetRelativePath(root, path);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) continue;
            if (!extensions.Contains(Path.GetExtension(path))) continue;
            result.Add(new FileInfo(path));
        }
        result.Sort((a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        return result;
    }

    private static bool SameMetadata(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
