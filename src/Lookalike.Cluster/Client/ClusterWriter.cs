using Lookalike.Cluster.Contracts;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Cluster.Client;

/// <summary>
/// Replicated writes: items are routed to their shard (<see cref="ShardMap"/>) and written to every replica whose
/// silo is live; a batch is acknowledged only when each of those replicas has committed it. A write that finds no
/// live replica for a shard, or a live replica that fails, is an error and is not acknowledged (re-running it is safe:
/// upserts are idempotent).
/// </summary>
public sealed class ClusterWriter(ReplicaRouter router)
{
    /// <summary>Upserts at most this many shards' batches at once.</summary>
    public const int MaxParallelShards = 8;

    /// <summary>Replicas skipped because their silo was not live when a write went out (they missed that write).</summary>
    public IReadOnlyCollection<ReplicaKey> Skipped => _skipped.Keys.ToList();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<ReplicaKey, bool> _skipped = new();

    /// <exception cref="LookalikeException">ModelMismatch (items of another model than the cluster's), StoreUnavailable (a shard not written).</exception>
    public async Task UpsertAsync(IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var shape = router.Shape;
        foreach (var item in items)
        {
            if (item.Model.Value.Split('@')[0] != shape.Model)
                throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                    $"The cluster holds vectors of model '{shape.Model}'; item '{item.Id}' is of '{item.Model}'.", item.Id.Value);
        }
        var byShard = items.GroupBy(i => ShardMap.ShardOf(i.Id.Value, shape.Shards));
        IReadOnlySet<string> active;
        try { active = await router.ActiveSilosAsync(refresh: true); }
        catch (Exception e) when (e is not OperationCanceledException and not LookalikeException)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Cannot read the cluster's membership, so nothing was written: {e.Message}", router.Client.Connection.ToString(), e);
        }
        await Parallel.ForEachAsync(byShard, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelShards, CancellationToken = cancellationToken },
            async (group, _) => await WriteShardAsync(group.Key, [.. group.Select(item => ShardItems.From(item, item.Vector.ToArray()))], active));
    }

    private async Task WriteShardAsync(int shard, ShardItem[] items, IReadOnlySet<string> active)
    {
        var live = router.Shape.ReplicasOf(shard).Where(r => active.Contains(r.Silo)).ToArray();
        foreach (var missed in router.Shape.ReplicasOf(shard).Except(live)) _skipped[missed] = true;
        if (live.Length == 0)
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable,
                $"Shard {shard} has no live replica (silos {string.Join(", ", router.Shape.Placement[shard])}); nothing written to it.", $"shard {shard}");
        var writes = live.Select(async replica =>
        {
            try { await router.Client.Replica(replica).Upsert(items); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Replica {replica} did not take the write: {e.Message}", replica.ToString(), e);
            }
        });
        await Task.WhenAll(writes);
    }
}
