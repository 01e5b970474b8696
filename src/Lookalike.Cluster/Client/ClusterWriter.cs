using Lookalike.Cluster.Contracts;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Cluster.Client;

/// <summary>
/// Replicated writes: items are routed to their shard (<see cref="ShardMap"/>) and written to every replica whose
/// silo is live; a batch is acknowledged only when each of those replicas has committed it. A write that finds no
/// live replica for a shard, or a live replica that fails (other than being unreachable while others took the batch),
/// is an error and is not acknowledged (re-running it is safe: upserts are idempotent). Replicas left out are marked stale first (<see cref="IShardHealthGrain"/>).
/// </summary>
public sealed class ClusterWriter(ReplicaRouter router)
{
    /// <summary>Upserts at most this many shards' batches at once.</summary>
    public const int MaxParallelShards = 8;

    /// <summary>Replicas that missed a write (their silo was not live, or the write failed there while another replica took it);
    /// each is marked stale and copies its shard from a fresh replica when it is back.</summary>
    public IReadOnlyCollection<ReplicaKey> Skipped => _skipped.Keys.ToList();

    private readonly System.Collections.Concurrent.ConcurrentDictionary<ReplicaKey, bool> _skipped = new();

    /// <exception cref="LookalikeException">ModelMismatch (items of another model than the cluster's), StoreUnavailable (a shard not written).</exception>
    public async Task UpsertAsync(IReadOnlyList<CatalogItem> items, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var shape = await router.ShapeAsync();
        foreach (var item in items)
        {
            if (item.Model.Value.Split('@')[0] != shape.Model)
                throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                    $"The cluster holds vectors of model '{shape.Model}'; item '{item.Id}' is of '{item.Model}'.", item.Id.Value);
        }
        var byShard = items.GroupBy(i => ShardMap.ShardOf(i.Id.Value, shape.Shards))
            .ToDictionary(g => g.Key, g =>
            {
                ShardItem[] batch = [.. g.Select(item => ShardItems.From(item, item.Vector.ToArray()))];
                return (Func<IShardReplicaGrain, Task<int>>)(replica => replica.Upsert(batch));
            });
        await WriteEverywhereAsync(shape, byShard, cancellationToken);
    }

    /// <summary>Removes items from every live replica of their shards; returns how many the cluster held.</summary>
    /// <exception cref="LookalikeException">StoreUnavailable (a shard not written).</exception>
    public async Task<int> RemoveAsync(IReadOnlyCollection<ItemId> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var shape = await router.ShapeAsync();
        var byShard = ids.GroupBy(id => ShardMap.ShardOf(id.Value, shape.Shards))
            .ToDictionary(g => g.Key, g =>
            {
                string[] batch = [.. g.Select(id => id.Value)];
                return (Func<IShardReplicaGrain, Task<int>>)(replica => replica.Remove(batch));
            });
        return await WriteEverywhereAsync(shape, byShard, cancellationToken);
    }

    /// <summary>Appends feedback events to every live replica of their user's shard; returns how many were new.</summary>
    /// <exception cref="LookalikeException">StoreUnavailable (a shard not written).</exception>
    public async Task<int> AddFeedbackAsync(IReadOnlyList<FeedbackRecord> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var shape = await router.ShapeAsync();
        var byShard = events.GroupBy(e => ShardMap.ShardOf(e.User, shape.Shards))
            .ToDictionary(g => g.Key, g =>
            {
                FeedbackRecord[] batch = [.. g];
                return (Func<IShardReplicaGrain, Task<int>>)(replica => replica.AddFeedback(batch));
            });
        return await WriteEverywhereAsync(shape, byShard, cancellationToken);
    }

    /// <summary>Removes a user's events from every live replica of the user's shard; returns how many there were.</summary>
    public async Task<int> RemoveUserFeedbackAsync(string user, CancellationToken cancellationToken = default)
    {
        var shape = await router.ShapeAsync();
        var byShard = new Dictionary<int, Func<IShardReplicaGrain, Task<int>>> { [ShardMap.ShardOf(user, shape.Shards)] = replica => replica.RemoveUserFeedback(user) };
        return await WriteEverywhereAsync(shape, byShard, cancellationToken);
    }

    /// <summary>
    /// Runs each shard's write on every live replica of it; the sum over shards of the most items any replica reported.
    /// Replicas that moved meanwhile (a silo gone past the grace period) may have copied their shard before the write
    /// reached the replica they copied from: they get it too, until the shape holds still.
    /// </summary>
    private async Task<int> WriteEverywhereAsync(ClusterShape shape, Dictionary<int, Func<IShardReplicaGrain, Task<int>>> byShard, CancellationToken cancellationToken)
    {
        int reported = await WriteAsync(byShard, shard => shape.ReplicasOf(shard).ToArray(), await ActiveSilosAsync(), requireLive: true, cancellationToken);
        for (int round = 0; round < 3; round++)
        {
            var after = await router.ShapeAsync(refresh: true);
            if (after.Version == shape.Version) break;
            var previous = shape;
            shape = after;
            await WriteAsync(byShard, shard => shape.ReplicasOf(shard).Except(previous.ReplicasOf(shard)).ToArray(), await ActiveSilosAsync(), requireLive: false, cancellationToken);
        }
        return reported;
    }

    private async Task<IReadOnlySet<string>> ActiveSilosAsync()
    {
        try { return await router.ActiveSilosAsync(refresh: true); }
        catch (Exception e) when (e is not OperationCanceledException and not LookalikeException)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Cannot read the cluster's membership, so nothing was written: {e.Message}", router.Client.Connection.ToString(), e);
        }
    }

    private async Task<int> WriteAsync(Dictionary<int, Func<IShardReplicaGrain, Task<int>>> byShard, Func<int, ReplicaKey[]> targets, IReadOnlySet<string> active,
        bool requireLive, CancellationToken cancellationToken)
    {
        int reported = 0;
        await Parallel.ForEachAsync(byShard, new ParallelOptions { MaxDegreeOfParallelism = MaxParallelShards, CancellationToken = cancellationToken },
            async (group, _) => Interlocked.Add(ref reported, await WriteShardAsync(group.Key, group.Value, targets(group.Key), active, requireLive)));
        return reported;
    }

    /// <summary>Runs <paramref name="write"/> on every live replica of <paramref name="shard"/>; the most items any of them reported.</summary>
    private async Task<int> WriteShardAsync(int shard, Func<IShardReplicaGrain, Task<int>> write, ReplicaKey[] replicas, IReadOnlySet<string> active, bool requireLive)
    {
        if (replicas.Length == 0) return 0;
        var live = replicas.Where(r => active.Contains(r.Silo)).ToArray();
        var missed = replicas.Except(live).ToArray();
        if (live.Length == 0 && requireLive)
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable,
                $"Shard {shard} has no live replica (silos {string.Join(", ", replicas.Select(r => r.Silo))}); nothing written to it.", $"shard {shard}");
        // Marked before the write goes out: a writer that dies after writing can never leave a replica silently behind.
        await MarkStaleAsync(shard, missed);
        var failures = new List<(ReplicaKey Replica, Exception Error)>();
        int reported = 0;
        await Task.WhenAll(live.Select(async replica =>
        {
            // Retried on messaging alone: a live replica whose directory entry was on a silo that just died is
            // briefly unreachable; a replica on that silo fails for good once Orleans declares it dead.
            try
            {
                int count = await MessagingRetry.RunAsync(() => write(router.Client.Replica(replica)));
                lock (failures) reported = Math.Max(reported, count);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                lock (failures) failures.Add((replica, e));
            }
        }));
        if (failures.Count == 0) return reported;
        if (!requireLive)
        {
            // A replica that just moved here and missed the batch copies again before it serves.
            await MarkStaleAsync(shard, [.. failures.Select(f => f.Replica)]);
            return reported;
        }
        // Some replicas have the batch and some may not: those must copy before they serve again. (When none took it,
        // nothing diverged; the caller sees the error and re-runs the idempotent write.)
        if (failures.Count < live.Length) await MarkStaleAsync(shard, [.. failures.Select(f => f.Replica)]);
        // A replica unreachable on messaging alone is on a silo that just died (the membership table has not caught up):
        // it is not live, so the write stands on the replicas that took it, as for a silo already known to be down.
        if (failures.Count < live.Length && failures.All(f => MessagingRetry.IsMessagingFailure(f.Error))) return reported;
        var (first, error) = failures[0];
        throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Replica {first} did not take the write: {error.Message}", first.ToString(), error);
    }

    private async Task MarkStaleAsync(int shard, ReplicaKey[] replicas)
    {
        if (replicas.Length == 0) return;
        foreach (var replica in replicas) _skipped[replica] = true;
        // The shard's health grain may have lived on the silo that just died: retried until Orleans has moved it.
        try { await MessagingRetry.RunAsync(() => router.Client.Grains.GetGrain<IShardHealthGrain>(shard).MarkStale([.. replicas.Select(r => r.Silo)])); }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable,
                $"Cannot record that replicas {string.Join(", ", replicas)} miss this write, so it was not sent: {e.Message}", $"shard {shard}", e);
        }
    }
}
