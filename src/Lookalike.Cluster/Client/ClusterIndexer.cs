using Lookalike.Cluster.Contracts;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Ingest;

namespace Lookalike.Cluster.Client;

/// <summary>What <c>index DIR --cluster</c> did.</summary>
public sealed record ClusterIndexSummary(int Files, int Added, int Updated, int Unchanged, IReadOnlyList<IndexFailure> Failures);

/// <summary>
/// Distributed indexing: the client plans (lists the folder, reads the labels, compares size and modification time
/// with what the cluster holds), and the embedding runs on the silos — each batch of a shard's new or changed photos
/// goes to a live replica of that shard, whose silo reads, decodes and embeds the files (so the files must be
/// readable at the same path there), and what comes back is written to every live replica of the shard. A silo that
/// dies mid-batch loses nothing: the batch goes to another replica; one that dies between batches leaves the rest to
/// be re-run, and a re-run skips every photo already in the cluster unchanged, so nothing is embedded twice.
/// </summary>
public sealed class ClusterIndexer(ClusterSession session)
{
    /// <summary>Photos per embedding call.</summary>
    public const int Batch = 16;

    /// <summary>Batches in flight at most; fewer when there are fewer live silos (each embeds one batch at a time).</summary>
    public const int MaxParallelBatches = 8;

    /// <param name="folder">The folder to index; item ids are paths relative to it, as for a local store.</param>
    /// <param name="labels">Optional labels CSV (a <c>file</c> column and metadata columns).</param>
    /// <param name="progress">(photos done, photos in the folder).</param>
    /// <exception cref="LookalikeException">NotFound (no folder), StoreUnavailable (a shard with no live replica).</exception>
    public async Task<ClusterIndexSummary> RunAsync(string folder, string? labels, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken = default)
    {
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root)) throw LookalikeException.NotFound(root, $"Folder not found: {root}");
        var rows = labels is null ? null : LabelsFile.Load(labels).Rows;
        var stored = await StoredAsync();
        var shape = await session.Router.ShapeAsync();
        var failures = new List<IndexFailure>();
        var work = new List<(int Shard, IndexWork Work, bool Existing)>();
        int unchanged = 0;
        var files = IngestPipeline.EnumerateImages(root, new IngestOptions().Extensions);
        foreach (var file in files)
        {
            if (ItemId.FromPath(root, file.FullName) is not { } id)
            {
                failures.Add(new IndexFailure { Path = file.FullName, Kind = nameof(LookalikeErrorKind.InvalidArgument), Message = "file name cannot be an item id" });
                continue;
            }
            var metadata = rows is null
                ? stored.TryGetValue(id, out var known) ? known.Metadata : CatalogItem.EmptyMetadata
                : rows.TryGetValue(id, out var labelled) ? labelled : CatalogItem.EmptyMetadata;
            long modified = new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeMilliseconds();
            bool exists = stored.TryGetValue(id, out var existing);
            if (exists && existing!.SizeBytes == file.Length && existing.ModifiedUtc.ToUnixTimeMilliseconds() == modified && SameMetadata(existing.Metadata, metadata))
            {
                unchanged++;
                continue;
            }
            work.Add((ShardMap.ShardOf(id.Value, shape.Shards), new IndexWork { Id = id.Value, Path = file.FullName, Metadata = new(metadata) }, exists));
        }
        int total = files.Count, done = unchanged + failures.Count, added = 0, updated = 0;
        progress?.Report((done, total));
        var existingIds = work.Where(w => w.Existing).Select(w => w.Work.Id).ToHashSet(StringComparer.Ordinal);
        var batches = work.GroupBy(w => w.Shard).SelectMany(g => g.Chunk(Batch).Select(chunk => (Shard: g.Key, Work: chunk.Select(c => c.Work).ToArray()))).ToList();
        int parallel = Math.Clamp((await session.Router.ActiveSilosAsync(refresh: true)).Count, 1, MaxParallelBatches);
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (batch, _) =>
        {
            var outcome = await Translated(() => session.Router.ReadAsync(batch.Shard, replica => replica.Embed(batch.Work)));
            if (outcome.Items.Length > 0) await session.Writer.UpsertAsync([.. outcome.Items.Select(ShardItems.ToCatalogItem)], cancellationToken);
            lock (failures)
            {
                failures.AddRange(outcome.Failures);
                int replaced = outcome.Items.Count(i => existingIds.Contains(i.Id));
                updated += replaced;
                added += outcome.Items.Length - replaced;
                done += batch.Work.Length;
                progress?.Report((done, total));
            }
        });
        return new ClusterIndexSummary(total, added, updated, unchanged, [.. failures.OrderBy(f => f.Path, StringComparer.Ordinal)]);
    }

    /// <summary>What the cluster holds, without vectors, by id.</summary>
    private async Task<Dictionary<ItemId, CatalogItem>> StoredAsync()
    {
        var shape = await session.Router.ShapeAsync();
        var shards = await Translated(() => Task.WhenAll(Enumerable.Range(0, shape.Shards).Select(shard => session.Router.ReadAsync(shard, async replica =>
        {
            var items = new List<CatalogItem>();
            await foreach (var batch in replica.Export(512)) items.AddRange(batch.Select(i => ShardItems.ToCatalogItem(i) with { Vector = ReadOnlyMemory<float>.Empty }));
            return items;
        }))));
        return shards.SelectMany(s => s).ToDictionary(i => i.Id);
    }

    private static bool SameMetadata(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static async Task<T> Translated<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ShardUnavailableException e)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, e.Message, $"shard {e.Shard}", e);
        }
    }
}
