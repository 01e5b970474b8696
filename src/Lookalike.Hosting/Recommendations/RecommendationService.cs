using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Evaluation;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Lookalike.Core.Search;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Telemetry;

namespace Lookalike.Hosting.Recommendations;

/// <summary>
/// The online half of "learn from people", shared by the CLI and the HTTP API: stores feedback, keeps a
/// <see cref="RecommendationEngine"/> over the store's feedback and the query service's photo index current, and answers
/// recommendations for a user, an anonymous session (likes, dislikes, photos) or an item page, as result records with
/// item paths and metadata. Each surface only parses input and formats these records. Thread-safe.
/// </summary>
public sealed class RecommendationService : IDisposable
{
    private readonly ICatalogStore _catalog;
    private readonly QueryService _query;
    private readonly IFeedbackStore _feedback;
    private readonly TimeProvider _time;
    private readonly RecommendationEngine _engine;
    private readonly Lock _syncLock = new();
    private readonly Lock _resolverLock = new();
    private ResolverState? _resolver;

    /// <summary>A resolver and the <see cref="CatalogView.CatalogVersion"/> it was built for (swapped as one reference).</summary>
    private sealed record ResolverState(long Version, ItemResolver Resolver);

    private RecommendationService(ICatalogStore catalog, QueryService query, IFeedbackStore feedback, RecommendationEngine engine, TimeProvider time)
    {
        _catalog = catalog;
        _query = query;
        _feedback = feedback;
        _engine = engine;
        _time = time;
    }

    /// <summary>Builds the engine from every stored event (item-kNN lists included) with the stored hybrid weights, if any.</summary>
    /// <param name="query">The photo index and item metadata; the service does not own it.</param>
    /// <param name="time">Clock for "now" and for events without a time; the system clock by default.</param>
    public static RecommendationService Open(ICatalogStore catalog, QueryService query, IFeedbackStore feedback, RecommenderOptions? options = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(feedback);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        var engine = new RecommendationEngine(query.Index, options, feedback.LoadHybridWeights());
        var service = new RecommendationService(catalog, query, feedback, engine, time ?? TimeProvider.System);
        service.Sync();
        LookalikeTelemetry.RecommenderRebuilt(System.Diagnostics.Stopwatch.GetElapsedTime(start));
        return service;
    }

    public RecommendationEngine Engine => _engine;

    /// <summary>
    /// Resolves item references (ids, file names without extension) against the catalog as the query service holds it
    /// now: items added or removed through it since the last call are seen (one version compare per call; the resolver
    /// is rebuilt only after an edit).
    /// </summary>
    public ItemResolver Items
    {
        get
        {
            var current = Volatile.Read(ref _resolver);
            if (current is not null && current.Version == _query.Catalog.CatalogVersion) return current.Resolver;
            lock (_resolverLock)
            {
                // Another request may have rebuilt it while this one waited.
                if (_resolver is { } built && built.Version == _query.Catalog.CatalogVersion) return built.Resolver;
                var (version, items) = _query.Catalog.SnapshotItems();
                var fresh = new ResolverState(version, new ItemResolver(items));
                Volatile.Write(ref _resolver, fresh);
                return fresh.Resolver;
            }
        }
    }

    public TimeProvider Time => _time;

    /// <summary>Events folded into the engine at a time, so loading a large store never holds it all in memory at once.</summary>
    private const int SyncChunk = 50_000;

    /// <summary>Folds in events other processes stored since the last sync (e.g. a CLI import while the server runs); returns how many.</summary>
    public int Sync()
    {
        lock (_syncLock)
        {
            int count = 0;
            foreach (var chunk in _feedback.Read(_engine.Size.LastSequence).Chunk(SyncChunk))
            {
                _engine.Add(chunk);
                count += chunk.Length;
            }
            return count;
        }
    }

    /// <summary>Stores events (items must be in the catalog) and folds them into the engine incrementally.</summary>
    /// <exception cref="LookalikeException">NotFound for an item not in the catalog; InvalidArgument for an inconsistent event.</exception>
    public FeedbackReceipt AddFeedback(IReadOnlyList<FeedbackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = _time.GetUtcNow();
        foreach (var e in events)
        {
            e.Checked();
            if (_engine.Options.Limits.CheckTime(e.Time, now) is { } late)
                throw LookalikeException.InvalidArgument("time", $"Invalid {FeedbackKinds.Name(e.Kind)} feedback on '{e.Item}': {late}.");
            RequireItem(e.Item);
            if (e.Kind == FeedbackKind.Prefer && e.Other is { } other) RequireItem(other);
        }
        lock (_syncLock)
        {
            int stored = _feedback.Add(events);
            int changed = 0, recomputed = 0;
            foreach (var chunk in _feedback.Read(_engine.Size.LastSequence).Chunk(SyncChunk))
            {
                var (c, r) = _engine.Add(chunk);
                changed += c;
                recomputed += r;
                foreach (var kind in chunk.CountBy(e => e.Kind)) LookalikeTelemetry.FeedbackStored(FeedbackKinds.Name(kind.Key), kind.Value);
            }
            return new FeedbackReceipt(stored, changed, recomputed);
        }
    }

    /// <summary>Checks and stores feedback given as item references (an HTTP body, CLI flags) for one user.</summary>
    public FeedbackReceipt AddFeedback(UserId user, IReadOnlyList<FeedbackInput> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var now = _time.GetUtcNow();
        return AddFeedback(inputs.SelectMany(i => i.ToEvents(user, Items, now)).ToList());
    }

    /// <summary>Recommendations for a stored user; a user without feedback gets what the strategy can do without it (popularity, or nothing).</summary>
    public RecommendationResult ForUser(UserId user, RecommendOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Sync();
        var history = _engine.HistoryOf(user);
        var query = new RecommendationQuery
        {
            Kind = "user",
            User = user.Value,
            Strategy = RecommendationStrategies.Name(options.Strategy),
            HistoryItems = history.Items.Count,
        };
        LookalikeTelemetry.Query("recommendations");
        return Run(query, new RecommendationRequest { History = history, Count = options.K, Now = _time.GetUtcNow() }, options);
    }

    /// <summary>
    /// Recommendations for an anonymous session: each like or dislike is an item reference (id or file name without
    /// extension) or an image file (a catalog photo resolves to its item; any other photo is embedded with the store's model).
    /// </summary>
    public RecommendationResult ForSession(IReadOnlyList<string> likes, IReadOnlyList<string> dislikes, RecommendOptions options)
    {
        ArgumentNullException.ThrowIfNull(likes);
        ArgumentNullException.ThrowIfNull(dislikes);
        ArgumentNullException.ThrowIfNull(options);
        if (likes.Count + dislikes.Count == 0) throw LookalikeException.InvalidArgument("like", "Give at least one --like or --dislike (an item or an image file).");
        Sync();
        var likedItems = new List<ItemId>();
        var dislikedItems = new List<ItemId>();
        var likedVectors = new List<ReadOnlyMemory<float>>();
        var dislikedVectors = new List<ReadOnlyMemory<float>>();
        foreach (string like in likes) Resolve(like, likedItems, likedVectors);
        foreach (string dislike in dislikes) Resolve(dislike, dislikedItems, dislikedVectors);
        var now = _time.GetUtcNow();
        var history = UserHistory.FromLikes(likedItems, dislikedItems, now, _engine.Options.Signals);
        var query = new RecommendationQuery
        {
            Kind = "session",
            Strategy = RecommendationStrategies.Name(options.Strategy),
            HistoryItems = history.Items.Count + likedVectors.Count + dislikedVectors.Count,
        };
        LookalikeTelemetry.Query("session");
        var request = new RecommendationRequest
        {
            History = history, Count = options.K, Now = now, LikedVectors = likedVectors, DislikedVectors = dislikedVectors,
        };
        return Run(query, request, options);
    }

    /// <summary>An item page: "people also bought" (item-kNN), "looks like" (visual) and both blended — the look-alikes alone for an item nobody bought.</summary>
    public AlsoResultView Also(string item, int k, ItemFilter? where = null)
    {
        SearchRequest.CheckK(k);
        Sync();
        var id = Items.Resolve(item);
        var filter = Predicate(where);
        var also = _engine.Also(id, k, filter);
        LookalikeTelemetry.Query("also");
        var weights = _engine.Weights;
        var query = new RecommendationQuery
        {
            Kind = "item",
            Item = id.Value,
            Strategy = "also",
            HistoryItems = _engine.Interactions(id),
            Note = also.BoughtTogether.Count == 0 ? "nobody has bought this item with another yet: look-alikes only" : null,
            Weights = weights.ToString(),
        };
        return new AlsoResultView(query, View(also.BoughtTogether), View(also.LooksLike), View(also.Blended));
    }

    /// <summary>
    /// Tunes the hybrid weights on the stored feedback: trains on all but the newest events (a temporal split,
    /// <paramref name="split"/> or the newest 10%) and on <paramref name="folds"/> − 1 earlier windows of the same length,
    /// grid-searches the weights on all of them (bagged), stores and uses them.
    /// </summary>
    public TuningResult TuneWeights(SplitSpec? split = null, int k = 10, double step = 0.1, int folds = 3)
    {
        split ??= SplitSpec.Temporal();
        Sync();
        var events = _feedback.Read().Where(e => _query.Index.Contains(e.Item)).ToList();
        var newest = split.Apply(events);
        var all = new List<FeedbackSplit> { newest };
        if (folds > 1) all.AddRange(split.ValidationFolds(newest, events, folds - 1));
        var result = RecommendationEvaluator.TuneOn(all, _query.Index, _engine.Options, k, step, $"{split}", tunedAt: _time.GetUtcNow());
        if (result.Users == 0)
            throw LookalikeException.InvalidArgument("split", $"Split {split} leaves no user with both earlier and later feedback to tune on; import more feedback or pick another date.");
        _feedback.SaveHybridWeights(result.Weights);
        _engine.Weights = result.Weights;
        return result;
    }

    /// <summary>
    /// Two items to ask "which do you prefer?" about (the web page's pair picker records the answer as a prefer event):
    /// among the person's top <paramref name="pool"/> hybrid recommendations, the pair that is both relevant and visually far
    /// apart — maximising <c>(rel_a + rel_b) · (1 − cos(a, b))</c>, rel = blended score scaled to 0…1 — so the answer says
    /// which direction their taste goes, where two near-twins or two unlikely items would say little. Null when fewer than
    /// two candidates exist.
    /// </summary>
    public IReadOnlyList<RankedItem>? PairToCompare(UserId user, int pool = 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pool, 2);
        Sync();
        var request = new RecommendationRequest { History = _engine.HistoryOf(user), Count = Math.Min(pool, SearchRequest.MaxK), Now = _time.GetUtcNow() };
        var candidates = _engine.Recommend(RecommendationStrategy.Hybrid, request);
        LookalikeTelemetry.Query("pair");
        if (candidates.Count < 2) return null;
        float best = candidates[0].Score, worst = candidates[^1].Score;
        double Relevance(Candidate c) => best > worst ? (c.Score - worst) / (best - worst) : 1;
        var vectors = candidates.Select(c => _query.Index.GetVector(c.Item)).ToList();
        (int A, int B, double Value) pick = (0, 1, double.NegativeInfinity);
        for (int a = 0; a < candidates.Count; a++)
        {
            for (int b = a + 1; b < candidates.Count; b++)
            {
                double distance = vectors[a] is { } va && vectors[b] is { } vb ? 1 - Core.Vectors.VectorMath.Dot(va, vb) : 1;
                double value = (Relevance(candidates[a]) + Relevance(candidates[b])) * distance;
                if (value > pick.Value) pick = (a, b, value);
            }
        }
        return View([candidates[pick.A], candidates[pick.B]]);
    }

    public void Dispose() => _engine.Dispose();

    private RecommendationResult Run(RecommendationQuery query, RecommendationRequest request, RecommendOptions options)
    {
        SearchRequest.CheckK(options.K);
        request = request with { ExcludeSeen = !options.IncludeSeen, Filter = Predicate(options.Where) };
        var reRank = new ReRankOptions { MmrLambda = options.MmrLambda, DuplicateThreshold = options.DuplicateThreshold };
        if (options.MmrLambda is { } lambda && lambda is < 0 or > 1)
            throw LookalikeException.InvalidArgument("diversity", $"Diversity λ must be between 0 and 1; got {lambda}.");
        if (options.DuplicateThreshold is { } tau && (tau <= 0 || tau > 1))
            throw LookalikeException.InvalidArgument("collapse", $"Near-duplicate threshold τ must be in (0, 1]; got {tau}.");
        var candidates = _engine.Recommend(options.Strategy, request, reRank);
        string? note = null;
        if (candidates.Count == 0)
        {
            note = options.Strategy switch
            {
                RecommendationStrategy.ItemKnn or RecommendationStrategy.UserKnn when request.History.IsEmpty => "no feedback from this user yet: try --strategy popular or hybrid",
                RecommendationStrategy.ItemKnn or RecommendationStrategy.UserKnn => "nobody else bought these items yet: try --strategy visual or hybrid",
                RecommendationStrategy.Visual => "no liked item with a photo vector yet",
                _ => "nothing to recommend yet: no feedback in the store",
            };
        }
        else if (options.Strategy == RecommendationStrategy.Hybrid && request.History.IsEmpty && request.LikedVectors.Count == 0)
        {
            note = "cold user: popular items until the first like";
        }
        return new RecommendationResult(query with
        {
            Weights = options.Strategy == RecommendationStrategy.Hybrid ? _engine.Weights.ToString() : null,
            Note = note,
        }, View(candidates));
    }

    private List<RankedItem> View(IReadOnlyList<Candidate> candidates) => _query.Catalog.Rank(candidates.Select(c => (c.Item, c.Score)));

    private Func<ItemId, bool>? Predicate(ItemFilter? where) => _query.Catalog.Predicate(where);

    private void Resolve(string reference, List<ItemId> items, List<ReadOnlyMemory<float>> vectors)
    {
        var resolver = Items;
        var resolved = ReferenceResolver.Resolve(reference, _catalog, byName: r => resolver.Resolve(r, out _), contains: resolver.Contains);
        if (resolved.Item is { } id) items.Add(id);
        else vectors.Add(_query.Space.Map(_query.Embedder.EmbedQueryPhoto(resolved.Bytes!, resolved.Path!)));
    }

    private void RequireItem(ItemId id) => _query.Catalog.GetItem(id);
}
