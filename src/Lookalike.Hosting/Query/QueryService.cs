using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;
using Lookalike.Core.Learning;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;
using Lookalike.Hosting.Telemetry;

namespace Lookalike.Hosting.Query;

/// <summary>
/// The online half: the store's vectors in an index (scanned in place from the store's mapped vector file where it can),
/// answering "most similar items" for a catalog item or an outside photo (this file; many at once in
/// <c>QueryService.Batch.cs</c>, a part of a photo in <c>QueryService.Region.cs</c>). It owns the parts those answers
/// need, each with one job: <see cref="Catalog"/> (the items, without vectors), <see cref="Embedder"/> (outside photos
/// to vectors, the model loaded on the first) and <see cref="Edits"/> (live adds and removes). Thread-safe.
/// </summary>
public sealed partial class QueryService : IDisposable
{
    private readonly ICatalogStore _store;
    private readonly IVectorIndex _index;
    private readonly KReciprocalSpec? _rerank;
    private readonly LearnedSpace _space;
    private readonly IDisposable _sizeMetric;
    private readonly string _indexKind; // "exact", "hnsw", …: the metric attribute, without parameters

    private QueryService(ICatalogStore store, IImageDecoder decoder, Func<IImageEmbedder> embedderFactory, IVectorIndex index, ModelId? model, KReciprocalSpec? rerank,
        StoredProjection? projection, QueryViews views, Func<ModelId, IFeatureMapReader> viewReaderFactory, bool shared = false)
    {
        LearnedProjection = projection;
        _space = new LearnedSpace(projection?.Projection);
        _rerank = rerank;
        _store = store;
        _index = index;
        Catalog = new CatalogView(store, index, shared);
        Embedder = new QueryEmbedder(store, decoder, embedderFactory, model, views, viewReaderFactory);
        Edits = new CatalogEditor(store, index, Catalog, _space, model);
        _sizeMetric = LookalikeTelemetry.TrackIndex(() => _index.Count);
        _indexKind = index.Spec.Split('(')[0];
    }

    /// <summary>Loads the store's vectors into the index <see cref="IndexSpec.Auto"/> picks (exact below the threshold).</summary>
    public static QueryService Open(ICatalogStore store, IImageDecoder decoder, Func<IImageEmbedder> embedderFactory) =>
        Open(store, decoder, embedderFactory, new QueryOptions());

    /// <summary>Loads the store's vectors into the index <paramref name="options"/> asks for (HNSW from its cache when valid).</summary>
    public static QueryService Open(ICatalogStore store, IImageDecoder decoder, Func<IImageEmbedder> embedderFactory, QueryOptions options)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        var info = store.GetInfo();
        var projection = store.GetProjection();
        var views = store.QueryViews;
        var index = Hosting.Search.VectorIndexLoader.Load(store, options.Index, options.Log, options.Progress);
        try
        {
            // Metadata is read when a result or query needs it (CatalogView).
            return new QueryService(store, decoder, embedderFactory, index, info.Model, options.Rerank, projection, views,
                options.ViewReaderFactory ?? (model => LookalikeComponents.CreateQueryViewReader(model, views)));
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A query service over an index that already holds the store's vectors where they live (a cluster's shards), owned
    /// by the service from here on. <paramref name="shared"/>: other processes write the catalog (<see cref="CatalogView"/>
    /// reads items through).
    /// </summary>
    public static QueryService Open(ICatalogStore store, IImageDecoder decoder, Func<IImageEmbedder> embedderFactory, QueryOptions options,
        IVectorIndex index, bool shared)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(index);
        try
        {
            return new QueryService(store, decoder, embedderFactory, index, store.Model, options.Rerank, store.GetProjection(), store.QueryViews,
                options.ViewReaderFactory ?? (model => LookalikeComponents.CreateQueryViewReader(model, store.QueryViews)), shared);
        }
        catch
        {
            index.Dispose();
            throw;
        }
    }

    public int Count => _index.Count;

    /// <summary>The index, holding every item's vector in the search space (<see cref="Space"/>).</summary>
    public IVectorIndex Index => _index;

    /// <summary>The items the index holds, without vectors: lookups, listing, facets, filters, answer rows.</summary>
    public CatalogView Catalog { get; }

    /// <summary>Embeds outside photos with the store's model (raw vectors: map them with <see cref="Space"/> to search).</summary>
    public QueryEmbedder Embedder { get; }

    /// <summary>Adds and removes items in the store, the catalog view and the index together.</summary>
    public CatalogEditor Edits { get; }

    /// <summary>The learned projection the store is searched through (<c>lookalike learn</c>), or null: raw vectors.</summary>
    public StoredProjection? LearnedProjection { get; }

    /// <summary>Maps raw (embedded, stored) vectors into the space the index holds.</summary>
    public LearnedSpace Space => _space;

    /// <summary>
    /// Look-alikes of <paramref name="query"/>: an item id when the store has it, otherwise an image file path
    /// (a file that is itself in the catalog resolves to its item).
    /// </summary>
    public SimilarResult Similar(string query, int k, ItemFilter? filter = null)
    {
        var (description, vector, exclude) = Resolve(query);
        LookalikeTelemetry.Query(description.Kind);
        return new SimilarResult(description, Search(vector, k, filter, exclude));
    }

    /// <summary>Look-alikes of a catalog item, the item itself excluded.</summary>
    public SimilarResult SimilarToItem(ItemId id, int k, ItemFilter? filter = null)
    {
        var item = Catalog.GetItem(id);
        float[] vector = _index.GetVector(id) ?? throw LookalikeException.NotFound(id.Value, $"No item '{id}' in the store.");
        LookalikeTelemetry.Query("item");
        return new SimilarResult(Describe(item), Search(vector, k, filter, id));
    }

    /// <summary>Look-alikes of an outside photo (encoded bytes).</summary>
    public SimilarResult SimilarToImage(ReadOnlySpan<byte> imageBytes, string sourceName, int k, ItemFilter? filter = null)
    {
        float[] vector = _space.Map(Embedder.EmbedQueryPhoto(imageBytes, sourceName));
        LookalikeTelemetry.Query("image");
        var hits = Search(vector, k, filter, exclude: null);
        return new SimilarResult(new QueryDescription { Kind = "image", Path = sourceName }, hits);
    }

    public void Dispose()
    {
        _sizeMetric.Dispose();
        _index.Dispose();
        Embedder.Dispose();
    }

    /// <summary>A query's vector: an item's own (excluded from its results) or an embedded outside photo.</summary>
    private (QueryDescription Description, float[] Vector, ItemId? Exclude) Resolve(string query)
    {
        var resolved = ReferenceResolver.Resolve(query, _store,
            byName: q => ItemId.TryParse(q, out var direct) && Catalog.TryGetItem(direct, out _) ? direct : null,
            contains: id => Catalog.TryGetItem(id, out _));
        if (resolved.Item is { } itemId)
        {
            var item = Catalog.GetItem(itemId);
            float[] vector = _index.GetVector(itemId) ?? throw LookalikeException.NotFound(itemId.Value, $"No item '{itemId}' in the store.");
            return (Describe(item), vector, itemId);
        }
        return (new QueryDescription { Kind = "image", Path = resolved.Path }, _space.Map(Embedder.EmbedQueryPhoto(resolved.Bytes!, resolved.Path!)), null);
    }

    /// <summary>A catalog item as the query of an answer (<paramref name="box"/>: the part of its photo asked about).</summary>
    private static QueryDescription Describe(CatalogItem item, ImageBox? box = null) =>
        new() { Kind = "item", Id = item.Id.Value, Path = item.Path, Metadata = item.Metadata, Box = box?.ToString() };

    private List<RankedItem> Search(float[] vector, int k, ItemFilter? filter, ItemId? exclude)
    {
        IReadOnlyList<SearchHit> hits;
        using (LookalikeTelemetry.Start(LookalikeTelemetry.SearchSpan))
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            hits = _index.Search(vector, Request(ShortlistK(SearchRequest.CheckK(k)), filter, exclude));
            LookalikeTelemetry.Searched(System.Diagnostics.Stopwatch.GetElapsedTime(start), _indexKind);
        }
        return ToResults(Rerank(vector, hits, k));
    }

    /// <summary>The search request for a filter: conditions for an index that filters where the metadata lives, else a predicate.</summary>
    private SearchRequest Request(int k, ItemFilter? filter, ItemId? exclude) => _index.FiltersByMetadata
        ? new SearchRequest(k, Exclude: exclude) { Where = filter }
        : new SearchRequest(k, Catalog.Predicate(filter), exclude);

    /// <summary>How many results to fetch for <paramref name="k"/>: the re-ranking shortlist when there is one.</summary>
    private int ShortlistK(int k) => _rerank is null ? k : Math.Min(SearchRequest.MaxK, Math.Max(k, _rerank.Shortlist));

    /// <summary>The first <paramref name="k"/> of <paramref name="hits"/>, k-reciprocal re-ranked when configured.</summary>
    private IReadOnlyList<SearchHit> Rerank(float[] query, IReadOnlyList<SearchHit> hits, int k)
    {
        if (_rerank is null) return hits;
        using var span = LookalikeTelemetry.Start(LookalikeTelemetry.RerankSpan);
        var reranked = KReciprocalRerank.Rerank(query, hits, id => _index.GetVector(id) ?? throw LookalikeException.NotFound(id.Value, $"No item '{id}' in the index."), _rerank);
        return reranked.Count <= k ? reranked : reranked.Take(k).ToList();
    }

    private List<RankedItem> ToResults(IReadOnlyList<SearchHit> hits) => Catalog.Rank(hits.Select(h => (h.Id, h.Score)));
}
