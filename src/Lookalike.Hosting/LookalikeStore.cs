using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Feedback;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Recommendations;

namespace Lookalike.Hosting;

/// <summary>
/// One open store: the catalog, opened once, and on first use the query service (vectors loaded into the index), the
/// feedback side and the recommendation service over both. What a CLI verb, a report or a server works with; it
/// disposes everything it opened. Thread-safe; a failed open is not remembered, so the next call tries again.
/// </summary>
public sealed class LookalikeStore : IDisposable
{
    private readonly LookalikeStoreOptions _options;
    private readonly Lock _queryLock = new();
    private readonly Lock _feedbackLock = new();
    private readonly Lock _recommendationsLock = new();
    private QueryService? _query;
    private IFeedbackStore? _feedback;
    private RecommendationService? _recommendations;
    private bool _disposed;

    private LookalikeStore(ICatalogStore catalog, LookalikeStoreOptions options)
    {
        Catalog = catalog;
        _options = options;
    }

    /// <summary>Opens the catalog now; everything else waits for first use.</summary>
    /// <exception cref="Core.Errors.LookalikeException">NotFound (no store and not <see cref="LookalikeStoreOptions.Create"/>), StoreCorrupt, StoreUnavailable.</exception>
    public static LookalikeStore Open(LookalikeStoreOptions? options = null)
    {
        options ??= new LookalikeStoreOptions();
        var catalog = (options.Backend ?? IStoreBackend.Local).OpenCatalog(options);
        return new LookalikeStore(catalog, options);
    }

    /// <summary>Absolute path of the store folder.</summary>
    public string Location => Catalog.Location;

    /// <summary>Items, vectors and store facts; owned by this object.</summary>
    public ICatalogStore Catalog { get; }

    /// <summary>True once <see cref="Query"/> has loaded.</summary>
    public bool IsQueryLoaded => Volatile.Read(ref _query) is not null;

    /// <summary>The store's vectors in an index, answering look-alikes; loaded on first use.</summary>
    /// <exception cref="Core.Errors.LookalikeException">StoreCorrupt, ModelUnavailable (a cached HNSW graph is rebuilt, not an error).</exception>
    public QueryService Query => Once(ref _query, _queryLock, () =>
    {
        var decoder = _options.Decoder ?? LookalikeComponents.CreateDecoder();
        Func<IImageEmbedder> embedder = _options.SharedEmbedder is { } shared
            ? () => new SharedEmbedder(shared)
            : () => LookalikeComponents.CreateEmbedderFor(Catalog.Model, _options.Model);
        var backend = _options.Backend ?? IStoreBackend.Local;
        return backend.OpenIndex(Catalog, _options.Query) is { } index
            ? QueryService.Open(Catalog, decoder, embedder, _options.Query, index, backend.SharedWithOtherWriters)
            : QueryService.Open(Catalog, decoder, embedder, _options.Query);
    });

    /// <summary>Feedback events beside the catalog; opened on first use.</summary>
    /// <exception cref="Core.Errors.LookalikeException">StoreUnavailable (e.g. a read-only store without the feedback schema) or StoreCorrupt.</exception>
    public IFeedbackStore Feedback => Once(ref _feedback, _feedbackLock, () => (_options.Backend ?? IStoreBackend.Local).OpenFeedback(Catalog));

    /// <summary>True once <see cref="Recommendations"/> has been built.</summary>
    public bool AreRecommendationsLoaded => Volatile.Read(ref _recommendations) is not null;

    /// <summary>
    /// Recommendations over the catalog and its feedback, built on first use (reads every stored event, which a caller
    /// that only wants look-alikes need not pay for).
    /// </summary>
    public RecommendationService Recommendations
    {
        get
        {
            if (Volatile.Read(ref _recommendations) is { } open) return open;
            var query = Query;
            var feedback = Feedback;
            return Once(ref _recommendations, _recommendationsLock,
                () => RecommendationService.Open(Catalog, query, feedback, _options.Recommender, _options.Time));
        }
    }

    public void Dispose()
    {
        lock (_recommendationsLock)
        lock (_feedbackLock)
        lock (_queryLock)
        {
            if (_disposed) return;
            _disposed = true;
            _recommendations?.Dispose();
            _feedback?.Dispose();
            _query?.Dispose();
            Catalog.Dispose();
        }
    }

    private T Once<T>(ref T? field, Lock gate, Func<T> open) where T : class
    {
        if (Volatile.Read(ref field) is { } done) return done;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (field is { } raced) return raced;
            var opened = open();
            Volatile.Write(ref field, opened);
            return opened;
        }
    }

    /// <summary>Lends a caller's model session to the query service without handing over its disposal.</summary>
    private sealed class SharedEmbedder(IImageEmbedder inner) : IImageEmbedder
    {
        public ModelId Model => inner.Model;
        public int Dimension => inner.Dimension;
        public ImageTarget Target => inner.Target;
        public int BatchSize => inner.BatchSize;
        public void Embed(DecodedImage image, Span<float> destination) => inner.Embed(image, destination);
        public void EmbedBatch(IReadOnlyList<DecodedImage> images, Span<float> destination) => inner.EmbedBatch(images, destination);
        public void Dispose() { }
    }
}
