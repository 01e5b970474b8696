using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Search;

namespace Lookalike.Core.Recommendations;

/// <summary>Re-ranking after blending: MMR diversity and near-duplicate collapse (both need photo vectors).</summary>
public sealed record ReRankOptions
{
    public static ReRankOptions None { get; } = new();

    /// <summary>MMR λ in 0…1 (1 = no diversification); null: off.</summary>
    public double? MmrLambda { get; init; }

    /// <summary>Near-duplicate threshold τ in (0, 1] on photo cosine; null: off.</summary>
    public double? DuplicateThreshold { get; init; }

    /// <summary>How many candidates are fetched per result before re-ranking (≥ 1).</summary>
    public int PoolFactor { get; init; } = 4;

    public bool IsNone => MmrLambda is null && DuplicateThreshold is null;
}

/// <summary>An item page's "people also bought" and "looks like" lists, and their blend.</summary>
/// <param name="BoughtTogether">Item-kNN neighbours (empty for an item nobody bought).</param>
/// <param name="LooksLike">Visual neighbours (empty without photo vectors).</param>
/// <param name="Blended">Both, fused with equal weights (interleaved by rank); the look-alikes alone for a cold item.</param>
public sealed record AlsoResult(IReadOnlyList<Candidate> BoughtTogether, IReadOnlyList<Candidate> LooksLike, IReadOnlyList<Candidate> Blended);

/// <summary>
/// The recommenders over one feedback history and one photo index, kept current: <see cref="Add"/> folds new events into
/// the interaction matrix, refreshes the item-kNN neighbour lists of the changed items only, and updates popularity.
/// Thread-safe: recommendations run concurrently; <see cref="Add"/> waits for them and blocks them while it runs.
/// </summary>
public sealed class RecommendationEngine : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly InteractionMatrix _matrix;
    private readonly ItemNeighbours _neighbours;
    private readonly PopularityRecommender _popular;
    private readonly ItemKnnRecommender _itemKnn;
    private readonly UserKnnRecommender _userKnn;
    private readonly VisualProfileRecommender? _visual;
    private readonly VisualNeighboursRecommender? _visualKnn;
    private readonly IVectorIndex? _index;
    private HybridWeights _weights;

    /// <param name="index">Photo vectors of the catalog; null: no visual recommender (and CF may propose any item it has seen).</param>
    public RecommendationEngine(IVectorIndex? index, RecommenderOptions? options = null, HybridWeights? weights = null)
    {
        Options = options ?? new RecommenderOptions();
        _index = index;
        _weights = weights ?? HybridWeights.Default;
        _matrix = new InteractionMatrix(Options.Signals, Options.Limits);
        _neighbours = new ItemNeighbours(_matrix, Options.ItemKnn);
        _popular = new PopularityRecommender(Options.PopularityHalfLife, Options.Signals);
        _itemKnn = new ItemKnnRecommender(_neighbours, Options.HistoryHalfLife);
        _userKnn = new UserKnnRecommender(_matrix, Options.UserKnn);
        _visual = index is null ? null : new VisualProfileRecommender(index, Options.Visual);
        _visualKnn = index is null ? null : new VisualNeighboursRecommender(index, Options.VisualKnn);
    }

    /// <summary>An engine trained on <paramref name="events"/> in one go.</summary>
    public static RecommendationEngine Build(IEnumerable<FeedbackEvent> events, IVectorIndex? index, RecommenderOptions? options = null, HybridWeights? weights = null)
    {
        var engine = new RecommendationEngine(index, options, weights);
        engine.Add(events);
        return engine;
    }

    public RecommenderOptions Options { get; }

    public IVectorIndex? Index => _index;

    /// <summary>Current hybrid weights; replace them after tuning.</summary>
    public HybridWeights Weights
    {
        get => Volatile.Read(ref _weights);
        set => Volatile.Write(ref _weights, value ?? throw new ArgumentNullException(nameof(value)));
    }

    /// <summary>Events applied so far, users, items with feedback, the highest applied sequence.</summary>
    public (long Events, int Users, int Items, long LastSequence) Size
    {
        get
        {
            _lock.EnterReadLock();
            try { return (_matrix.EventCount, _matrix.UserCount, _matrix.ItemCount, _matrix.LastSequence); }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Folds in new events; returns how many item columns changed and how many neighbour lists were recomputed in full.</summary>
    public (int ChangedItems, int RecomputedLists) Add(IEnumerable<FeedbackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var list = events as IReadOnlyCollection<FeedbackEvent> ?? events.ToList();
        _lock.EnterWriteLock();
        try
        {
            var changed = _matrix.Apply(list);
            _neighbours.Refresh(changed);
            _popular.Add(list);
            return (changed.Count, _neighbours.LastRecomputed);
        }
        finally { _lock.ExitWriteLock(); }
    }

    public UserHistory HistoryOf(UserId user)
    {
        _lock.EnterReadLock();
        try { return _matrix.HistoryOf(user); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>How many users interacted with <paramref name="item"/> (0: a cold item).</summary>
    public int Interactions(ItemId item)
    {
        _lock.EnterReadLock();
        try { return _matrix.Interactions(item); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>The CF neighbours of an item.</summary>
    public IReadOnlyList<Neighbour> NeighboursOf(ItemId item)
    {
        _lock.EnterReadLock();
        try { return _neighbours.Of(item); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>The recommender behind a strategy (the hybrid with the current weights). Call it under <see cref="Recommend"/>'s guard or while no <see cref="Add"/> runs.</summary>
    public IRecommender Recommender(RecommendationStrategy strategy) => strategy switch
    {
        RecommendationStrategy.Popular => _popular,
        RecommendationStrategy.ItemKnn => _itemKnn,
        RecommendationStrategy.UserKnn => _userKnn,
        RecommendationStrategy.Visual => (IRecommender?)_visual ?? Nothing.Instance,
        RecommendationStrategy.VisualKnn => (IRecommender?)_visualKnn ?? Nothing.Instance,
        RecommendationStrategy.Hybrid => Hybrid(Weights),
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
    };

    /// <summary>A hybrid of this engine's sources with <paramref name="weights"/>.</summary>
    public HybridRecommender Hybrid(HybridWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        return new HybridRecommender(
        [
            (_itemKnn, weights.ItemKnn),
            (_userKnn, weights.UserKnn),
            ((IRecommender?)_visual ?? Nothing.Instance, weights.Visual),
            ((IRecommender?)_visualKnn ?? Nothing.Instance, weights.VisualKnn),
            (_popular, weights.Popular),
        ], Options.HybridCandidates);
    }

    /// <summary>Recommendations of one strategy, then re-ranked. Items outside the photo index are never proposed (when there is one).</summary>
    public IReadOnlyList<Candidate> Recommend(RecommendationStrategy strategy, RecommendationRequest request, ReRankOptions? reRank = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.Count);
        reRank ??= ReRankOptions.None;
        var inner = InCatalog(request);
        if (!reRank.IsNone) inner = inner with { Count = Math.Min(request.Count * Math.Max(reRank.PoolFactor, 1), SearchRequest.MaxK) };
        _lock.EnterReadLock();
        IReadOnlyList<Candidate> candidates;
        try { candidates = Recommender(strategy).Recommend(inner); }
        finally { _lock.ExitReadLock(); }
        return ReRank(candidates, reRank, request.Count);
    }

    /// <summary>"Bought together" and "looks like" for an item page. The item itself is never listed.</summary>
    public AlsoResult Also(ItemId item, int count, Func<ItemId, bool>? filter = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        bool Allowed(ItemId id) => id != item && (filter?.Invoke(id) ?? true);
        List<Candidate> bought;
        _lock.EnterReadLock();
        try { bought = _neighbours.Of(item).Where(n => Allowed(n.Item) && (_index?.Contains(n.Item) ?? true)).Take(count).Select(n => new Candidate(n.Item, n.Similarity)).ToList(); }
        finally { _lock.ExitReadLock(); }
        IReadOnlyList<Candidate> looks = [];
        if (_index?.GetVector(item) is { } vector)
            looks = _index.Search(vector, new SearchRequest(count, Allowed, item)).Select(h => new Candidate(h.Id, h.Score)).ToList();
        // Equal shares: the tuned hybrid weights answer "what will this person buy", not "what goes with this item".
        var blended = HybridRecommender.Blend([(bought, 0.5), (looks, 0.5)], count);
        return new AlsoResult(bought, looks, blended);
    }

    public void Dispose() => _lock.Dispose();

    private RecommendationRequest InCatalog(RecommendationRequest request)
    {
        if (_index is null) return request;
        var available = request.Available;
        var index = _index;
        return request with { Available = available is null ? index.Contains : id => index.Contains(id) && available(id) };
    }

    private List<Candidate> ReRank(IReadOnlyList<Candidate> candidates, ReRankOptions reRank, int count)
    {
        var list = candidates as List<Candidate> ?? candidates.ToList();
        if (reRank.IsNone || _index is null) return list.Count > count ? list.GetRange(0, count) : list;
        var cache = new Dictionary<ItemId, float[]?>();
        float[]? VectorOf(ItemId id)
        {
            if (!cache.TryGetValue(id, out var v)) cache[id] = v = _index.GetVector(id);
            return v;
        }
        if (reRank.DuplicateThreshold is { } tau) list = Diversity.CollapseNearDuplicates(list, VectorOf, tau);
        if (reRank.MmrLambda is { } lambda) list = Diversity.Mmr(list, VectorOf, lambda, count);
        return list.Count > count ? list.GetRange(0, count) : list;
    }

    private sealed class Nothing : IRecommender
    {
        public static Nothing Instance { get; } = new();
        public string Name => "none";
        public IReadOnlyList<Candidate> Recommend(RecommendationRequest request) => [];
    }
}
