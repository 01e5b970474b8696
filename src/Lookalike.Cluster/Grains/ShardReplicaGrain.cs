using System.Runtime.CompilerServices;
using Lookalike.Cluster.Contracts;
using Lookalike.Cluster.Placement;
using Lookalike.Cluster.Silo;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Microsoft.Extensions.Logging;

namespace Lookalike.Cluster.Grains;

/// <summary>
/// One shard's replica on this silo: a Lookalike store under <c>--data</c>, searched through the same query service
/// as a single-machine store (the cluster's index spec at the shard's size). Searches interleave with each other (read-only methods); a write never
/// interleaves with anything on the same replica. A replica marked stale (it missed writes: <see cref="IShardHealthGrain"/>)
/// answers no reads until it has copied its shard from a fresh replica — on activation, and then every
/// <see cref="CatchUpPeriod"/> while it stays stale or is marked again.
/// </summary>
[SiloPinnedPlacement]
internal sealed class ShardReplicaGrain(SiloData silo, SiloEmbedder embedder, ILogger<ShardReplicaGrain> log) : Grain, IShardReplicaGrain
{
    public static readonly TimeSpan CatchUpPeriod = TimeSpan.FromSeconds(5);
    private const int CopyBatch = 256;
    private const int FeedbackCopyBatch = 10_000;

    private ReplicaStore? _store;
    private IndexSpec _index = IndexSpec.Exact;
    private string? _openError;
    private bool _stale;

    private ReplicaKey Key => ReplicaKey.Parse(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placement pins the replica here; a mismatch would mean serving another silo's data from this disk.
        if (Key.Silo != silo.Name)
            throw new InvalidOperationException($"Replica {Key} activated on silo '{silo.Name}', not on its own silo.");
        var shape = await GrainFactory.GetGrain<IClusterShapeGrain>(ClusterShape.GrainKey).Read();
        _index = IndexSpec.Parse(shape?.IndexOrExact ?? "exact");
        try
        {
            _store = ReplicaStore.Open(silo.ShardStore(Key.Shard), _index);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A store too damaged to open still activates, so `verify --cluster` can name it and repair it; reads go elsewhere.
            _openError = e.Message;
            log.LogError("Replica {Replica} cannot open its store: {Error}", Key, e.Message);
        }
        await CatchUpAsync(cancellationToken);
        this.RegisterGrainTimer(CatchUpAsync, new GrainTimerCreationOptions(CatchUpPeriod, CatchUpPeriod));
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _store?.Dispose();
        _store = null;
        return Task.CompletedTask;
    }

    public Task<int> Upsert(ShardItem[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return Task.FromResult(Store.Upsert(items.Select(ShardItems.ToCatalogItem).ToList()));
    }

    public Task<int> Remove(string[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Task.FromResult(Store.Remove([.. ids.Select(ItemId.Parse)]));
    }

    public Task<int> AddFeedback(FeedbackRecord[] events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return Task.FromResult(Store.Feedback.Add(events));
    }

    public Task<FeedbackRecord[]> ReadFeedback(long afterSequence, int max) => Task.FromResult(Fresh.Feedback.Read(afterSequence, max));

    public Task<FeedbackRecord[]> UserFeedback(string user) => Task.FromResult(Fresh.Feedback.OfUser(user));

    public Task<int> RemoveUserFeedback(string user) => Task.FromResult(Store.Feedback.RemoveUser(user));

    public async Task<IndexOutcome> Embed(IndexWork[] work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var shape = await GrainFactory.GetGrain<IClusterShapeGrain>(ClusterShape.GrainKey).Read()
            ?? throw new InvalidOperationException("The cluster has no shape yet; run 'lookalike cluster init'.");
        return await embedder.EmbedAsync(shape.Model, work);
    }

    public Task<string[]> Columns() => Task.FromResult(Fresh.Columns().ToArray());

    public Task<ShardAnswer> Search(ShardQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Task.FromResult(Fresh.Search(query));
    }

    public Task<ShardItem?> Find(string id) => Task.FromResult(Fresh.Find(ItemId.Parse(id)));

    public Task<ReplicaStatus> Status()
    {
        var info = Store.Info;
        return Task.FromResult(new ReplicaStatus
        {
            Silo = silo.Name,
            Shard = Key.Shard,
            Items = info.Items,
            Model = info.Model?.Value,
            Stale = _stale,
            Dimension = info.Dimension,
            StoreBytes = info.StoreBytes,
            Generation = info.Generation,
            SchemaVersion = info.SchemaVersion,
            FeedbackEvents = Store.Feedback.Count,
            LastFeedbackSequence = Store.Feedback.LastSequence,
        });
    }

    public async IAsyncEnumerable<ShardItem[]> Export(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        var store = Fresh;
        var ids = store.Ids();
        for (int start = 0; start < ids.Count; start += batch)
        {
            yield return store.Read(ids.Skip(start).Take(batch));
            await Task.Yield();
        }
    }

    public Task<string[]> Verify()
    {
        if (_store is null) return Task.FromResult(new[] { $"[open] {_openError ?? "the store is not open"}" });
        var report = Hosting.Reliability.StoreVerifier.Verify(silo.ShardStore(Key.Shard));
        return Task.FromResult(report.Findings.Where(f => f.Severity == VerifySeverity.Error).Select(f => $"[{f.Check}] {f.Problem}").ToArray());
    }

    public async Task<ReplicaRepair> Repair()
    {
        await GrainFactory.GetGrain<IShardHealthGrain>(Key.Shard).MarkStale([silo.Name]);
        _stale = true;
        _store?.Dispose();
        _store = null;
        string directory = silo.ShardStore(Key.Shard);
        string kept = $"{directory}.damaged-{DateTime.UtcNow:yyyyMMddTHHmmssfff}";
        if (Directory.Exists(directory)) Directory.Move(directory, kept);
        _store = ReplicaStore.Open(directory, _index);
        _openError = null;
        log.LogWarning("Replica {Replica}: damaged store moved to {Kept}; copying the shard from a fresh replica", Key, kept);
        await CatchUpAsync(CancellationToken.None);
        return new ReplicaRepair { KeptAt = kept, Items = _store.Count, CaughtUp = !_stale };
    }

    private ReplicaStore Store => _store ?? throw new InvalidOperationException($"Replica {Key} is not open{(_openError is null ? "" : $": {_openError}")}.");

    private ReplicaStore Fresh => _stale
        ? throw new InvalidOperationException($"Replica {Key} missed writes and is catching up; ask another replica.")
        : Store;

    /// <summary>
    /// When this replica is marked stale: copy the shard from a replica that is not (every item, then drop what the
    /// source no longer holds), and clear the mark if no write missed this replica meanwhile. No fresh source reachable:
    /// stay stale and try again on the next tick.
    /// </summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        if (_store is null) return; // cannot open: only a repair helps
        var health = GrainFactory.GetGrain<IShardHealthGrain>(Key.Shard);
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (await health.StaleEpoch(silo.Name) is not { } epoch)
            {
                _stale = false;
                return;
            }
            _stale = true;
            var shape = await GrainFactory.GetGrain<IClusterShapeGrain>(ClusterShape.GrainKey).Read();
            if (shape is null) return;
            var stale = (await health.StaleSilos()).ToHashSet(StringComparer.Ordinal);
            bool copied = false;
            foreach (var source in shape.ReplicasOf(Key.Shard).Where(r => r.Silo != silo.Name && !stale.Contains(r.Silo)))
            {
                try
                {
                    int items = await CopyFromAsync(source, cancellationToken);
                    log.LogWarning("Replica {Replica} caught up from {Source}: {Items} items", Key, source, items);
                    copied = true;
                    break;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("Replica {Replica} could not copy from {Source}: {Error}", Key, source, e.Message);
                }
            }
            if (!copied) return;
            if (await health.MarkFresh(silo.Name, epoch))
            {
                _stale = false;
                return;
            }
        }
    }

    private async Task<int> CopyFromAsync(ReplicaKey source, CancellationToken cancellationToken)
    {
        var seen = new HashSet<ItemId>();
        await foreach (var batch in GrainFactory.GetGrain<IShardReplicaGrain>(source.ToString()).Export(CopyBatch).WithCancellation(cancellationToken))
        {
            if (batch.Length == 0) continue;
            Store.Upsert(batch.Select(ShardItems.ToCatalogItem).ToList());
            foreach (var item in batch) seen.Add(ItemId.Parse(item.Id));
        }
        Store.RemoveAllBut(seen);
        // The shard's users' feedback too, as the source holds it.
        var events = new List<FeedbackRecord>();
        var replica = GrainFactory.GetGrain<IShardReplicaGrain>(source.ToString());
        while (true)
        {
            var page = await replica.ReadFeedback(events.Count == 0 ? 0 : events[^1].Sequence, FeedbackCopyBatch);
            if (page.Length == 0) break;
            events.AddRange(page);
        }
        Store.Feedback.Replace(events);
        return seen.Count;
    }
}
