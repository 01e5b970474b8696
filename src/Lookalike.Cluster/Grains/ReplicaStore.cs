using Lookalike.Cluster.Contracts;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Query;

namespace Lookalike.Cluster.Grains;

/// <summary>
/// A replica's Lookalike store and, loaded on the first search after a write, its query service over the cluster's
/// index — the single-machine classes, so a shard scores exactly as one store would. Reads may run concurrently
/// (the grain's read-only methods interleave); a write runs alone (the grain never interleaves it with anything).
/// </summary>
internal sealed class ReplicaStore : IDisposable
{
    private readonly ICatalogStore _catalog;
    private readonly IndexSpec _index;
    private readonly Lock _queryLock = new();
    private QueryService? _query;

    private ReplicaStore(ICatalogStore catalog, IndexSpec index, FeedbackLog feedback) => (_catalog, _index, Feedback) = (catalog, index, feedback);

    /// <param name="index">The cluster's index spec, resolved at this shard's size (an HNSW graph is cached beside the
    /// store and refreshed by store generation after writes).</param>
    public static ReplicaStore Open(string directory, IndexSpec index)
    {
        var catalog = LookalikeComponents.OpenStore(directory, create: true);
        return new(catalog, index, FeedbackLog.Open(catalog.Location));
    }

    /// <summary>The feedback events of this shard's users.</summary>
    public FeedbackLog Feedback { get; }

    public int Count => _catalog.GetInfo().Items;

    public StoreInfo Info => _catalog.GetInfo();

    public IReadOnlyList<string> Columns() => _catalog.GetMetadataColumns();

    /// <summary>Removes <paramref name="ids"/> in one transaction; the index is reloaded on the next search.</summary>
    public int Remove(IReadOnlyCollection<ItemId> ids)
    {
        if (ids.Count == 0) return 0;
        int removed = _catalog.Remove(ids);
        _query?.Dispose();
        _query = null;
        return removed;
    }

    public string? Model => _catalog.Model?.Value;

    /// <summary>Writes <paramref name="items"/> in one transaction; the index is reloaded on the next search.</summary>
    public int Upsert(IReadOnlyList<CatalogItem> items)
    {
        if (items.Count == 0) return Count;
        _catalog.BindModel(items[0].Model, items[0].Vector.Length);
        _catalog.Upsert(items);
        _query?.Dispose();
        _query = null;
        return Count;
    }

    public ShardAnswer Search(ShardQuery request)
    {
        if (_catalog.Model is null) return new ShardAnswer { Hits = [] }; // an empty replica: nothing bound yet
        var query = Query();
        var filter = ItemFilter.Parse(request.Where);
        var columns = query.Catalog.MetadataColumns();
        var unknown = filter.Columns.Where(c => !columns.Contains(c)).ToArray();
        if (unknown.Length > 0) return new ShardAnswer { Hits = [], UnknownColumns = unknown, Columns = [.. columns] };
        var predicate = query.Catalog.Predicate(filter);
        ItemId? exclude = request.Exclude is null ? null : ItemId.Parse(request.Exclude);
        var hits = query.Index.Search(request.Vector, new SearchRequest(request.K, predicate, exclude));
        var answer = new List<ShardHit>(hits.Count);
        foreach (var hit in hits)
        {
            if (!query.Catalog.TryGetItem(hit.Id, out var item)) continue;
            answer.Add(new ShardHit { Id = hit.Id.Value, Path = item.Path, Score = hit.Score, Metadata = new(item.Metadata) });
        }
        return new ShardAnswer { Hits = [.. answer] };
    }

    public ShardItem? Find(ItemId id)
    {
        if (_catalog.Model is null) return null;
        var query = Query();
        if (!query.Catalog.TryGetItem(id, out var item) || query.Index.GetVector(id) is not { } vector) return null;
        return ShardItems.From(item, vector);
    }

    /// <summary>Every item id, in ordinal order: the snapshot an export walks (a write meanwhile is copied again by the next catch-up).</summary>
    public IReadOnlyList<ItemId> Ids()
    {
        var ids = _catalog.GetFingerprints().Keys.ToArray();
        Array.Sort(ids, ItemId.Ordinal);
        return ids;
    }

    /// <summary>These items as they are stored (an id removed since the snapshot is left out).</summary>
    public ShardItem[] Read(IEnumerable<ItemId> ids)
    {
        var items = new List<ShardItem>();
        foreach (var id in ids)
        {
            if (_catalog.Find(id) is not { } item) continue;
            items.Add(ShardItems.From(item, item.Vector.ToArray()));
        }
        return [.. items];
    }

    /// <summary>Removes every item not in <paramref name="keep"/> (what a copied replica no longer holds); the count removed.</summary>
    public int RemoveAllBut(IReadOnlySet<ItemId> keep)
    {
        var gone = _catalog.GetFingerprints().Keys.Where(id => !keep.Contains(id)).ToList();
        if (gone.Count == 0) return 0;
        int removed = _catalog.Remove(gone);
        _query?.Dispose();
        _query = null;
        return removed;
    }

    public void Dispose()
    {
        _query?.Dispose();
        _catalog.Dispose();
    }

    private QueryService Query()
    {
        lock (_queryLock)
        {
            return _query ??= QueryService.Open(_catalog, LookalikeComponents.CreateDecoder(),
                () => throw new InvalidOperationException("A shard replica never embeds photos; the client embeds a query once."),
                new QueryOptions { Index = _index });
        }
    }
}
