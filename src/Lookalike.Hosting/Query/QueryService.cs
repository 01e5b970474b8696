using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Core.Learning;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;
using Lookalike.Hosting.Telemetry;

namespace Lookalike.Hosting.Query;

/// <summary>
/// The online half: the store's vectors in an index (scanned in place from the store's mapped vector file where it can),
/// answering "most similar items" for a catalog item or an outside photo. The model is loaded only when an outside photo
/// needs embedding; an item's metadata only when a result or query needs it, all items' only for listing, facets and
/// filters. Thread-safe.
/// </summary>
public sealed partial class QueryService : IDisposable
{
    private readonly ICatalogStore _store;
    private readonly IImageDecoder _decoder;
    private readonly Lazy<IImageEmbedder> _embedder;
    private readonly IVectorIndex _index;
    // Every item (no vectors), once something needs all of them (listing, facets, filters); null until then.
    // Guarded by _itemsLock.
    private Dictionary<ItemId, CatalogItem>? _items;

    // Items read one at a time while _items is null (null value: not in the store). Never larger than the catalog.
    // Guarded by _itemsLock.
    private readonly Dictionary<ItemId, CatalogItem?> _looked = [];
    private readonly Lock _itemsLock = new();
    private HashSet<string>? _columns;
    private readonly ModelId? _model;
    private readonly KReciprocalSpec? _rerank;
    private readonly LearnedSpace _space;
    private readonly IDisposable _sizeMetric;
    private readonly string _indexKind; // "exact", "hnsw", …: the metric attribute, without parameters

    private QueryService(ICatalogStore store, IImageDecoder decoder, Func<IImageEmbedder> embedderFactory, IVectorIndex index, Dictionary<ItemId, CatalogItem>? items, ModelId? model, KReciprocalSpec? rerank,
        StoredProjection? projection)
    {
        LearnedProjection = projection;
        _space = new LearnedSpace(projection?.Projection);
        _rerank = rerank;
        _store = store;
        _decoder = decoder;
        _embedder = new Lazy<IImageEmbedder>(embedderFactory, LazyThreadSafetyMode.ExecutionAndPublication);
        _index = index;
        _items = items;
        _model = model;
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
        var index = Hosting.Search.VectorIndexLoader.Load(store, options.Index, options.Log, options.Progress);
        try
        {
            // Metadata is read when a result or query needs it (AllItems for listing, facets and filters).
            return new QueryService(store, decoder, embedderFactory, index, items: null, info.Model, options.Rerank, projection);
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
        if (!TryGetItem(id, out var item)) throw LookalikeException.NotFound(id.Value, $"No item '{id}' in the store.");
        float[] vector = _index.GetVector(id) ?? throw LookalikeException.NotFound(id.Value, $"No item '{id}' in the store.");
        LookalikeTelemetry.Query("item");
        var hits = Search(vector, k, filter, id);
        return new SimilarResult(new QueryDescription { Kind = "item", Id = id.Value, Path = item.Path, Metadata = item.Metadata }, hits);
    }

    /// <summary>Look-alikes of an outside photo (encoded bytes).</summary>
    public SimilarResult SimilarToImage(ReadOnlySpan<byte> imageBytes, string sourceName, int k, ItemFilter? filter = null)
    {
        float[] vector = _space.Map(EmbedImage(imageBytes, sourceName));
        LookalikeTelemetry.Query("image");
        var hits = Search(vector, k, filter, exclude: null);
        return new SimilarResult(new QueryDescription { Kind = "image", Path = sourceName }, hits);
    }

    /// <summary>Decodes and embeds an outside photo with the store's model: a raw vector (map it with <see cref="Space"/> to search).</summary>
    public float[] EmbedImage(ReadOnlySpan<byte> imageBytes, string sourceName) => EmbedImage(imageBytes, sourceName, box: null);

    /// <summary>The query model, checked against the store's.</summary>
    private IImageEmbedder CheckedEmbedder()
    {
        var embedder = _embedder.Value;
        if (_model is { } model && model != embedder.Model)
            throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                $"Store {_store.Location} holds vectors of model '{model}', but the query model is '{embedder.Model}'. Use --model matching the store.",
                _store.Location);
        return embedder;
    }

    /// <summary>The stored item (metadata, path, fingerprint) without its vector.</summary>
    public bool TryGetItem(ItemId id, out CatalogItem item)
    {
        lock (_itemsLock)
        {
            if (_items is not null) return _items.TryGetValue(id, out item!);
            if (!_looked.TryGetValue(id, out var found))
            {
                // One row, read under the lock so an edit (AddItem/RemoveItem) never races a stale read into the cache.
                found = _index.Contains(id) && _store.Find(id) is { } stored ? stored with { Vector = ReadOnlyMemory<float>.Empty } : null;
                _looked[id] = found;
            }
            item = found!;
            return found is not null;
        }
    }

    /// <summary>Every item without its vector, read from the store the first time something needs them all. Hold <see cref="_itemsLock"/>.</summary>
    private Dictionary<ItemId, CatalogItem> AllItems()
    {
        if (_items is not null) return _items;
        var items = new Dictionary<ItemId, CatalogItem>(_index.Count);
        foreach (var item in _store.ReadAll(withVectors: false))
        {
            // The index is what this service answers from (edits through it reach both); the store may have moved on.
            if (_index.Contains(item.Id)) items[item.Id] = item;
        }
        foreach (var (id, looked) in _looked)
        {
            if (looked is not null) items[id] = looked;
        }
        _looked.Clear();
        return _items = items;
    }

    /// <summary>Metadata columns across the catalog, for validating filters; computed once per catalog change.</summary>
    public IReadOnlySet<string> MetadataColumns()
    {
        lock (_itemsLock)
            return _columns ??= AllItems().Values.SelectMany(i => i.Metadata.Keys).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public void Dispose()
    {
        _sizeMetric.Dispose();
        _index.Dispose();
        if (_embedder.IsValueCreated) _embedder.Value.Dispose();
    }

    private List<RankedItem> Search(float[] vector, int k, ItemFilter? filter, ItemId? exclude)
    {
        IReadOnlyList<SearchHit> hits;
        using (LookalikeTelemetry.Start(LookalikeTelemetry.SearchSpan))
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            hits = _index.Search(vector, new SearchRequest(ShortlistK(CheckK(k)), Predicate(filter), exclude));
            LookalikeTelemetry.Searched(System.Diagnostics.Stopwatch.GetElapsedTime(start), _indexKind);
        }
        return ToResults(Rerank(vector, hits, k));
    }

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

    private static int CheckK(int k) => k is < 1 or > SearchRequest.MaxK
        ? throw LookalikeException.InvalidArgument("k", $"k must be between 1 and {SearchRequest.MaxK}; got {k}.")
        : k;

    /// <summary>The filter as a per-item predicate; unknown columns are an error (a typo would otherwise match nothing).</summary>
    private Func<ItemId, bool>? Predicate(ItemFilter? filter)
    {
        if (filter is not { IsEmpty: false }) return null;
        CheckFilterColumns(filter);
        return id => TryGetItem(id, out var item) && filter.Matches(item.Metadata);
    }

    private List<RankedItem> ToResults(IReadOnlyList<SearchHit> hits) => Rank(hits.Select(h => (h.Id, h.Score)));

    /// <summary>
    /// <paramref name="scored"/> in the given order as ranked items (1, 2, …) with their paths and metadata; an item no
    /// longer in the catalog is skipped. The one place look-alikes and recommendations become answer rows.
    /// </summary>
    public List<RankedItem> Rank(IEnumerable<(ItemId Id, float Score)> scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var results = new List<RankedItem>();
        foreach (var (id, score) in scored)
        {
            if (!TryGetItem(id, out var item)) continue;
            results.Add(new RankedItem(results.Count + 1, id.Value, item.Path, score, item.Metadata));
        }
        return results;
    }
}
