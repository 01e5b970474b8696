using Lookalike.Cluster.Contracts;
using Lookalike.Cluster.Placement;
using Lookalike.Cluster.Silo;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;

namespace Lookalike.Cluster.Grains;

/// <summary>
/// One shard's replica on this silo: a Lookalike store under <c>--data</c>, searched through the same query service
/// as a single-machine store (exact index). Searches interleave with each other (read-only methods); a write never
/// interleaves with anything on the same replica.
/// </summary>
[SiloPinnedPlacement]
internal sealed class ShardReplicaGrain(SiloData silo) : Grain, IShardReplicaGrain
{
    private ReplicaStore? _store;

    private ReplicaKey Key => ReplicaKey.Parse(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placement pins the replica here; a mismatch would mean serving another silo's data from this disk.
        if (Key.Silo != silo.Name)
            throw new InvalidOperationException($"Replica {Key} activated on silo '{silo.Name}', not on its own silo.");
        _store = ReplicaStore.Open(silo.ShardStore(Key.Shard));
        return Task.CompletedTask;
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
        return Task.FromResult(Store.Upsert(items.Select(ToCatalogItem).ToList()));
    }

    public Task<ShardAnswer> Search(ShardQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Task.FromResult(Store.Search(query));
    }

    public Task<ShardItem?> Find(string id) => Task.FromResult(Store.Find(ItemId.Parse(id)));

    public Task<ReplicaStatus> Status() => Task.FromResult(new ReplicaStatus
    {
        Silo = silo.Name,
        Shard = Key.Shard,
        Items = Store.Count,
        Model = Store.Model,
    });

    private ReplicaStore Store => _store ?? throw new InvalidOperationException($"Replica {Key} is not open.");

    private static CatalogItem ToCatalogItem(ShardItem item) => new()
    {
        Id = ItemId.Parse(item.Id),
        Path = item.Path,
        ContentHash = item.ContentHash,
        SizeBytes = item.SizeBytes,
        ModifiedUtc = item.ModifiedUtc,
        Metadata = item.Metadata,
        Model = new ModelId(item.Model),
        Vector = item.Vector,
    };
}
