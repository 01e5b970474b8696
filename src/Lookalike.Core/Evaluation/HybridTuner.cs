using Lookalike.Core.Catalog;
using Lookalike.Core.Recommendations;

namespace Lookalike.Core.Evaluation;

/// <summary>The outcome of tuning: the weights, their validation nDCG@k and HR@k, how many users, combinations and resamples.</summary>
public sealed record TuningResult(HybridWeights Weights, double Ndcg, double HitRate, int Users, int Combinations, int Resamples);

/// <summary>One validation fold: an engine trained only on events before the fold's window, and the fold's test users.</summary>
public sealed record TuningFold(RecommendationEngine Engine, IReadOnlyList<EvaluationCase> Cases);

/// <summary>
/// Tunes the hybrid's weights on validation folds by a bagged grid search. Every combination of the four sources' weights
/// in steps of <c>step</c> summing to 1 is scored by nDCG@k per validation user; the best combination (ties: HR@k, then the
/// earlier one) is found on each of <c>resamples</c> bootstrap resamples of the users, and the weights are the mean of those
/// winners. Hits at k = 10 are rare on sparse data (a few dozen users), so a single arg-max would mostly fit noise; bagging
/// (Breiman 1996) averages that noise out. Each source is asked once per user; the grid only re-blends.
/// Deterministic: the resamples come from a seeded generator.
/// </summary>
public static class HybridTuner
{
    private static readonly RecommendationStrategy[] Sources =
        [RecommendationStrategy.ItemKnn, RecommendationStrategy.UserKnn, RecommendationStrategy.Visual, RecommendationStrategy.Popular];

    public static TuningResult Tune(IReadOnlyList<TuningFold> folds, int k, double step = 0.1, int resamples = 100, int seed = 1,
        string? origin = null, DateTimeOffset? tunedAt = null)
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
        var order = new List<(double Score, int Index)>();
        for (int u = 0; u < users.Count; u++)
        {
            ndcg[u] = new double[grid.Count];
            hit[u] = new bool[grid.Count];
            for (int g = 0; g < grid.Count; g++) (ndcg[u][g], hit[u][g]) = Score(users[u], grid[g], k, order);
        }

        double[] Best(IReadOnlyList<int> sample)
        {
            int best = 0;
            double bestNdcg = double.NegativeInfinity, bestHr = double.NegativeInfinity;
            for (int g = 0; g < grid.Count; g++)
            {
                double n = 0, h = 0;
                foreach (int u in sample) { n += ndcg[u][g]; h += hit[u][g] ? 1 : 0; }
                if (n > bestNdcg + 1e-12 || (Math.Abs(n - bestNdcg) <= 1e-12 && h > bestHr))
                {
                    best = g;
                    bestNdcg = n;
                    bestHr = h;
                }
            }
            return grid[best];
        }

        double[] weights;
        if (users.Count == 0) weights = [HybridWeights.Default.ItemKnn, HybridWeights.Default.UserKnn, HybridWeights.Default.Visual, HybridWeights.Default.Popular];
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
        if (weights.Sum() <= 0) weights = [0, 0, 0.5, 0.5];
        double meanNdcg = 0, meanHr = 0;
        foreach (var user in users)
        {
            var (n, h) = Score(user, weights, k, order);
            meanNdcg += n;
            meanHr += h ? 1 : 0;
        }
        if (users.Count > 0) { meanNdcg /= users.Count; meanHr /= users.Count; }
        var result = new HybridWeights(weights[0], weights[1], weights[2], weights[3])
        {
            Origin = origin ?? $"tuned on {users.Count} validation users",
            ValidationScore = meanNdcg,
            TunedAt = tunedAt,
        };
        return new TuningResult(result, meanNdcg, meanHr, users.Count, grid.Count, resamples);
    }

    /// <summary>Tunes on one fold.</summary>
    public static TuningResult Tune(RecommendationEngine engine, IReadOnlyList<EvaluationCase> validation, int k, double step = 0.1, int resamples = 100,
        string? origin = null, DateTimeOffset? tunedAt = null) =>
        Tune([new TuningFold(engine, validation)], k, step, resamples, 1, origin, tunedAt);

    private sealed record UserCandidates(ItemId[] Items, double[] Scaled, bool[] Relevant, int RelevantCount);

    // The union of the sources' candidates and each one's min–max scaled score per source, as HybridRecommender blends them.
    private static UserCandidates Collect(RecommendationEngine engine, EvaluationCase c)
    {
        var request = new RecommendationRequest { History = c.History, Count = engine.Options.HybridCandidates, Now = c.Now };
        var index = new Dictionary<ItemId, int>();
        var scaled = new List<double>();
        for (int s = 0; s < Sources.Length; s++)
        {
            var list = engine.Recommend(Sources[s], request);
            if (list.Count == 0) continue;
            float top = list[0].Score, bottom = list[^1].Score;
            double range = top - bottom;
            foreach (var candidate in list)
            {
                if (!index.TryGetValue(candidate.Item, out int at))
                {
                    at = index.Count;
                    index[candidate.Item] = at;
                    for (int z = 0; z < Sources.Length; z++) scaled.Add(0);
                }
                scaled[at * Sources.Length + s] = range > 0 ? (candidate.Score - bottom) / range : 1;
            }
        }
        var items = new ItemId[index.Count];
        foreach (var (item, at) in index) items[at] = item;
        return new UserCandidates(items, scaled.ToArray(), items.Select(c.Relevant.Contains).ToArray(), c.Relevant.Count);
    }

    private static (double Ndcg, bool Hit) Score(UserCandidates user, double[] w, int k, List<(double Score, int Index)> order)
    {
        order.Clear();
        int sources = w.Length;
        for (int i = 0; i < user.Items.Length; i++)
        {
            double score = 0;
            for (int s = 0; s < sources; s++) score += w[s] * user.Scaled[i * sources + s];
            order.Add((score, i));
        }
        // Same order as HybridRecommender.Blend: float score, then id.
        var items = user.Items;
        order.Sort((x, y) =>
        {
            int cmp = ((float)y.Score).CompareTo((float)x.Score);
            return cmp != 0 ? cmp : ItemId.Ordinal.Compare(items[x.Index], items[y.Index]);
        });
        double dcg = 0, ideal = 0;
        bool hit = false;
        for (int r = 0; r < Math.Min(k, order.Count); r++)
        {
            if (!user.Relevant[order[r].Index]) continue;
            dcg += 1 / Math.Log2(r + 2);
            hit = true;
        }
        for (int r = 0; r < Math.Min(k, user.RelevantCount); r++) ideal += 1 / Math.Log2(r + 2);
        return (ideal > 0 ? dcg / ideal : 0, hit);
    }

    private static List<double[]> Grid(double step)
    {
        int steps = (int)Math.Round(1 / step);
        var grid = new List<double[]>();
        for (int a = 0; a <= steps; a++)
        for (int b = 0; a + b <= steps; b++)
        for (int v = 0; a + b + v <= steps; v++)
        {
            int p = steps - a - b - v;
            grid.Add([a / (double)steps, b / (double)steps, v / (double)steps, p / (double)steps]);
        }
        return grid;
    }
}
