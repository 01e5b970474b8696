using Lookalike.Core.Catalog;
using Lookalike.Core.Recommendations;

namespace Lookalike.Core.Evaluation;

/// <summary>The outcome of tuning: the weights, their validation nDCG@k and HR@k, how many users, combinations and resamples.</summary>
public sealed record TuningResult(HybridWeights Weights, double Ndcg, double HitRate, int Users, int Combinations, int Resamples)
{
    /// <summary>What the weights were chosen to maximise: the hybrid is never below any single source on it (the other metric breaking ties).</summary>
    public TuningObjective Objective { get; init; } = TuningObjective.HitRate;

    /// <summary>Validation nDCG@k of each source alone, by strategy name.</summary>
    public IReadOnlyDictionary<string, double> SourceNdcg { get; init; } = new Dictionary<string, double>();

    /// <summary>Validation HR@k of each source alone, by strategy name.</summary>
    public IReadOnlyDictionary<string, double> SourceHitRate { get; init; } = new Dictionary<string, double>();
}

/// <summary>One validation fold: an engine trained only on events before the fold's window, and the fold's test users.</summary>
public sealed record TuningFold(RecommendationEngine Engine, IReadOnlyList<EvaluationCase> Cases);

/// <summary>
/// Tunes the hybrid's weights on validation folds by a bagged grid search. Every combination of the five sources' weights
/// in steps of <c>step</c> summing to 1 is scored by the <see cref="TuningObjective"/> (HR@k by default: the metric the
/// targets are stated in; nDCG@k breaks ties, or the other way round) per validation user; the best combination (full ties:
/// the earlier one) is found on each of <c>resamples</c> bootstrap resamples of the users, and the weights are the mean of those
/// winners. Hits at k = 10 are rare on sparse data (a few dozen users), so a single arg-max would mostly fit noise; bagging
/// (Breiman 1996) averages that noise out. Each source is asked once per user; the grid only re-blends.
/// Deterministic: the resamples come from a seeded generator.
/// </summary>
public static class HybridTuner
{
    // The hybrid's sources, in the order HybridRecommender sums them (so blended scores here equal the hybrid's bit for bit).
    private static readonly RecommendationStrategy[] Sources =
        [RecommendationStrategy.ItemKnn, RecommendationStrategy.UserKnn, RecommendationStrategy.Visual, RecommendationStrategy.VisualKnn, RecommendationStrategy.Popular];

    public static TuningResult Tune(IReadOnlyList<TuningFold> folds, int k, double step = 0.1, int resamples = 100, int seed = 1,
        string? origin = null, DateTimeOffset? tunedAt = null, TuningObjective objective = TuningObjective.HitRate)
    {
        ArgumentNullException.ThrowIfNull(folds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegative(resamples);
        if (!(step > 0) || step > 1) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be in (0, 1].");

        var users = new List<UserCandidates>();
        foreach (var fold in folds)
        {
            foreach (var c in fold.Cases) users.Add(Collect(fold.Engine, c));
        }
        var grid = Grid(step);
        // ndcg[u][g], hit[u][g]: each user's score under each combination.
        var ndcg = new double[users.Count][];
        var hit = new bool[users.Count][];
        var top = new TopBlend(k);
        for (int u = 0; u < users.Count; u++)
        {
            ndcg[u] = new double[grid.Count];
            hit[u] = new bool[grid.Count];
            for (int g = 0; g < grid.Count; g++) (ndcg[u][g], hit[u][g]) = Score(users[u], grid[g], k, top);
        }

        double[] Best(IReadOnlyList<int> sample)
        {
            int best = 0;
            double bestNdcg = double.NegativeInfinity, bestHr = double.NegativeInfinity;
            for (int g = 0; g < grid.Count; g++)
            {
                double n = 0, h = 0;
                foreach (int u in sample) { n += ndcg[u][g]; h += hit[u][g] ? 1 : 0; }
                if (TuningObjectives.Beats(objective, n, h, bestNdcg, bestHr))
                {
                    best = g;
                    bestNdcg = n;
                    bestHr = h;
                }
            }
            return grid[best];
        }

        double[] weights;
        if (users.Count == 0) weights = Sources.Select(HybridWeights.Default.Of).ToArray();
        else if (resamples == 0) weights = Best(Enumerable.Range(0, users.Count).ToList());
        else
        {
            var random = new Random(seed);
            weights = new double[Sources.Length];
            var sample = new int[users.Count];
            for (int b = 0; b < resamples; b++)
            {
                for (int i = 0; i < sample.Length; i++) sample[i] = random.Next(users.Count);
                var w = Best(sample);
                for (int s = 0; s < weights.Length; s++) weights[s] += w[s] / resamples;
            }
        }
        // Round away resampling dust so the stored weights print cleanly.
        weights = weights.Select(w => Math.Round(w, 3)).ToArray();
        if (weights.Sum() <= 0) weights = Sources.Select(HybridWeights.Default.Of).ToArray();
        var (meanNdcg, meanHr) = Mean(users, weights, k, top);
        // The averaged weights need not beat every source alone (bagging can average two good corners into a worse middle):
        // when one source alone scores better on the same validation users, the hybrid is that source.
        var sourceNdcg = new double[Sources.Length];
        var sourceHr = new double[Sources.Length];
        string? fallback = null;
        string metric = objective == TuningObjective.HitRate ? "HR" : "nDCG";
        for (int s = 0; s < Sources.Length; s++)
        {
            var alone = new double[Sources.Length];
            alone[s] = 1;
            var (n, h) = Mean(users, alone, k, top);
            sourceNdcg[s] = n;
            sourceHr[s] = h;
            if (TuningObjectives.Beats(objective, n, h, meanNdcg, meanHr))
            {
                var (mine, blend) = objective == TuningObjective.HitRate ? (h, meanHr) : (n, meanNdcg);
                fallback = $"{RecommendationStrategies.Name(Sources[s])} alone (validation {metric}@{k} {mine:0.0000} beat the blend's {blend:0.0000})";
                (weights, meanNdcg, meanHr) = (alone, n, h);
            }
        }
        var result = new HybridWeights(itemKnn: weights[0], userKnn: weights[1], visual: weights[2], visualKnn: weights[3], popular: weights[4])
        {
            Origin = (origin ?? $"tuned on {users.Count} validation users") + (fallback is null ? "" : $"; {fallback}"),
            ValidationScore = meanNdcg,
            TunedAt = tunedAt,
        };
        var names = Sources.Select(RecommendationStrategies.Name).ToArray();
        return new TuningResult(result, meanNdcg, meanHr, users.Count, grid.Count, resamples)
        {
            Objective = objective,
            SourceNdcg = names.Select((name, s) => (name, sourceNdcg[s])).ToDictionary(p => p.name, p => p.Item2, StringComparer.Ordinal),
            SourceHitRate = names.Select((name, s) => (name, sourceHr[s])).ToDictionary(p => p.name, p => p.Item2, StringComparer.Ordinal),
        };
    }

    private static (double Ndcg, double HitRate) Mean(List<UserCandidates> users, double[] weights, int k, TopBlend top)
    {
        double ndcg = 0, hr = 0;
        foreach (var user in users)
        {
            var (n, h) = Score(user, weights, k, top);
            ndcg += n;
            hr += h ? 1 : 0;
        }
        return users.Count == 0 ? (0, 0) : (ndcg / users.Count, hr / users.Count);
    }

    /// <summary>Tunes on one fold.</summary>
    public static TuningResult Tune(RecommendationEngine engine, IReadOnlyList<EvaluationCase> validation, int k, double step = 0.1, int resamples = 100,
        string? origin = null, DateTimeOffset? tunedAt = null, TuningObjective objective = TuningObjective.HitRate) =>
        Tune([new TuningFold(engine, validation)], k, step, resamples, 1, origin, tunedAt, objective);

    /// <param name="Earned">Per candidate and source, what it earns (<see cref="HybridRecommender.Earned"/>); 0 when not proposed.</param>
    /// <param name="IdOrder">Per candidate, its position in ordinal id order (the hybrid's tie-break).</param>
    private sealed record UserCandidates(double[] Earned, int[] IdOrder, bool[] Relevant, int RelevantCount);

    private static UserCandidates Collect(RecommendationEngine engine, EvaluationCase c)
    {
        var request = new RecommendationRequest { History = c.History, Count = engine.Options.HybridCandidates, Now = c.Now };
        var index = new Dictionary<ItemId, int>();
        var earned = new List<double>();
        for (int s = 0; s < Sources.Length; s++)
        {
            var list = engine.Recommend(Sources[s], request);
            for (int rank = 0; rank < list.Count; rank++)
            {
                if (!index.TryGetValue(list[rank].Item, out int at))
                {
                    at = index.Count;
                    index[list[rank].Item] = at;
                    for (int z = 0; z < Sources.Length; z++) earned.Add(0);
                }
                earned[at * Sources.Length + s] = HybridRecommender.Earned(rank, list[rank].Score, list[0].Score);
            }
        }
        var items = new ItemId[index.Count];
        foreach (var (item, at) in index) items[at] = item;
        var idOrder = new int[items.Length];
        var sorted = Enumerable.Range(0, items.Length).OrderBy(i => items[i], ItemId.Ordinal).ToArray();
        for (int position = 0; position < sorted.Length; position++) idOrder[sorted[position]] = position;
        return new UserCandidates(earned.ToArray(), idOrder, items.Select(c.Relevant.Contains).ToArray(), c.Relevant.Count);
    }

    private static (double Ndcg, bool Hit) Score(UserCandidates user, double[] w, int k, TopBlend top)
    {
        int sources = w.Length;
        int count = user.IdOrder.Length;
        top.Clear();
        for (int i = 0; i < count; i++)
        {
            double score = 0;
            for (int s = 0; s < sources; s++) score += w[s] * user.Earned[i * sources + s];
            // Same order as HybridRecommender.Blend: the float score, then the id.
            top.Offer((float)score, user.IdOrder[i], i);
        }
        double dcg = 0, ideal = 0;
        bool hit = false;
        for (int r = 0; r < top.Count; r++)
        {
            if (!user.Relevant[top.Index(r)]) continue;
            dcg += 1 / Math.Log2(r + 2);
            hit = true;
        }
        for (int r = 0; r < Math.Min(k, user.RelevantCount); r++) ideal += 1 / Math.Log2(r + 2);
        return (ideal > 0 ? dcg / ideal : 0, hit);
    }

    /// <summary>The k best (score desc, id order asc) by insertion into a sorted array: O(n·k) worst case, ~O(n) in practice.</summary>
    private sealed class TopBlend(int k)
    {
        private readonly float[] _score = new float[k];
        private readonly int[] _id = new int[k];
        private readonly int[] _index = new int[k];

        public int Count { get; private set; }

        public int Index(int rank) => _index[rank];

        public void Clear() => Count = 0;

        public void Offer(float score, int id, int index)
        {
            if (Count == _score.Length && !Better(score, id, _score[Count - 1], _id[Count - 1])) return;
            int at = Count < _score.Length ? Count++ : Count - 1;
            while (at > 0 && Better(score, id, _score[at - 1], _id[at - 1]))
            {
                _score[at] = _score[at - 1];
                _id[at] = _id[at - 1];
                _index[at] = _index[at - 1];
                at--;
            }
            _score[at] = score;
            _id[at] = id;
            _index[at] = index;
        }

        private static bool Better(float score, int id, float otherScore, int otherId) => score > otherScore || (score == otherScore && id < otherId);
    }

    /// <summary>Every way to split 1 into <see cref="Sources"/>.Length non-negative multiples of <paramref name="step"/>.</summary>
    private static List<double[]> Grid(double step)
    {
        int steps = (int)Math.Round(1 / step);
        var grid = new List<double[]>();
        var parts = new int[Sources.Length];
        void Fill(int source, int left)
        {
            if (source == parts.Length - 1)
            {
                parts[source] = left;
                grid.Add(parts.Select(p => p / (double)steps).ToArray());
                return;
            }
            for (int p = 0; p <= left; p++)
            {
                parts[source] = p;
                Fill(source + 1, left - p);
            }
        }
        Fill(0, steps);
        return grid;
    }
}
