using Lookalike.Cluster.Client;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;

namespace Lookalike.Cluster.Backend;

/// <summary>
/// The cluster's shards as the application layer's index (<see cref="IVectorIndex"/>): a search fans out to one live
/// replica of every shard (<see cref="ClusterSearch"/>), which applies <see cref="SearchRequest.Where"/> next to its
/// items, and the answers are merged by score, ties by id. Each replica indexes what it stores, so adds and removes
/// reach the index through the catalog's writes (<see cref="ClusterCatalogStore"/>), not through this class.
/// </summary>
internal sealed class ClusterVectorIndex(ClusterSession session, ClusterCatalogStore catalog) : IVectorIndex
{
    private static readonly TimeSpan CountTtl = TimeSpan.FromSeconds(2);
    private (int Count, long At)? _count;
    private int _dimension;

    public string Spec => $"cluster({session.Shape.Shards} shards x {session.Shape.Replicas}, {session.Shape.IndexOrExact})";

    public int Dimension => _dimension > 0 ? _dimension : _dimension = catalog.GetInfo().Dimension;

    /// <summary>Items over every shard, read again at most every <see cref="CountTtl"/> (other clients write too).</summary>
    public int Count
    {
        get
        {
            long now = Environment.TickCount64;
            if (_count is { } known && now - known.At < CountTtl.TotalMilliseconds) return known.Count;
            int count = catalog.GetInfo().Items;
            _count = (count, now);
            return count;
        }
    }

    /// <summary>Held by the silos, not by this process.</summary>
    public long MemoryBytes => 0;

    public bool FiltersByMetadata => true;

    /// <summary>Nothing to do here: the catalog's write reached every live replica, and each replica indexes what it stores.</summary>
    public void Upsert(ItemId id, ReadOnlySpan<float> vector)
    {
    }

    /// <summary>Nothing to do here (see <see cref="Upsert"/>); false: the item is no longer here to remove.</summary>
    public bool Remove(ItemId id) => false;

    public bool Contains(ItemId id) => catalog.Find(id) is not null;

    public float[]? GetVector(ItemId id) => catalog.Find(id)?.Vector.ToArray();

    /// <summary>
    /// Scatter-gather top-k. A predicate (<see cref="SearchRequest.Filter"/>, e.g. a recommender's "not seen yet") cannot
    /// travel to the shards, so the merged list is fetched with a doubling k until k items pass it or the shards have
    /// no more: the first k passing items of the exact order, as a single store's filtered scan gives.
    /// </summary>
    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (query.Length != Dimension) throw new ArgumentException($"The query has {query.Length} dimensions; the cluster's vectors have {Dimension}.", nameof(query));
        float[] vector = query.ToArray();
        string[] where = request.Where is { IsEmpty: false } filter ? [.. filter.Conditions()] : [];
        int fetch = request.K;
        while (true)
        {
            var merged = ClusterCatalogStore.Wait(session.Search.SearchAsync(vector, fetch, where, request.Exclude?.Value));
            var hits = merged.Select(r => new SearchHit(ItemId.Parse(r.Id), r.Score));
            if (request.Filter is { } predicate) hits = hits.Where(h => predicate(h.Id));
            var passing = hits.Take(request.K).ToList();
            if (passing.Count == request.K || merged.Count < fetch || fetch == SearchRequest.MaxK) return passing;
            fetch = Math.Min(SearchRequest.MaxK, fetch * 2);
        }
    }

    /// <summary>The session belongs to whoever opened the backend.</summary>
    public void Dispose()
    {
    }
}
