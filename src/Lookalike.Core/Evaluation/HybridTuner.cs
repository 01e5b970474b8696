using Lookalike.Core.Catalog;
using Lookalike.Core.Recommendations;

namespace Lookalike.Core.Evaluation;

/// <summary>The outcome of tuning: the best weights, their validation nDCG@k and HR@k, and how many users and combinations were tried.</summary>
public sealed record TuningResult(HybridWeights Weights, double Ndcg, double HitRate, int Users, int Combinations);

/// <summary>
/// Tunes the hybrid's weights by grid search on a validation split: every combination of the four sources' weights in
/// steps of <c>step</c> summing to 1 is scored by mean nDCG@k (ties: HR@k, then the earlier combination) over the
/// validation users. Each source is asked once per user; the grid only re-blends, so it costs O(users × grid × candidates).
/// </summary>
public static class HybridTuner
{
    /// <param name="engine">An engine trained on the validation split's training events only.</param>
    public static TuningResult Tune(RecommendationEngine engine, IReadOnlyList<EvaluationCase> validation, int k, double step = 0.1, string? origin = null, DateTimeOffset? tunedAt = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        if (!(step > 0) || step > 1) throw new ArgumentOutOfRangeException(nameof(step), step, "step must be in (0, 1].");
        RecommendationStrategy[] sources = [RecommendationStrategy.ItemKnn, RecommendationStrategy.UserKnn, RecommendationStrategy.Visual, RecommendationStrategy.Popular];
        int candidates = engine.Options.HybridCandidates;

        // Per user: the union of the sources' candidates and each one's min–max scaled score per source (as the hybrid blends them).
        var users = new List<(ItemId[] Items, double[] Scaled, bool[] Relevant, int RelevantCount)>(validation.Count);
        foreach (var c in validation)
        {
            var request = new RecommendationRequest { History = c.History, Count = candidates, Now = c.Now };
            var index = new Dictionary<ItemId, int>();
            var scaled = new List<double>();
            for (int s = 0; s < sources.Length; s++)
            {
                var list = engine.Recommend(sources[s], request);
                if (list.Count == 0) continue;
                float top = list[0].Score, bottom = list[^1].Score;
                double range = top - bottom;
                foreach (var candidate in list)
                {
                    if (!index.TryGetValue(candidate.Item, out int at))
                    {
                        at = index.Count;
                        index[candidate.Item] = at;
                        for (int z = 0; z < sources.Length; z++) scaled.Add(0);
                    }
                    scaled[at * sources.Length + s] = range > 0 ? (candidate.Score - bottom) / range : 1;
                }
            }
            var items = new ItemId[index.Count];
            foreach (var (item, at) in index) items[at] = item;
            users.Add((items, scaled.ToArray(), items.Select(c.Relevant.Contains).ToArray(), c.Relevant.Count));
        }

        int steps = (int)Math.Round(1 / step);
        HybridWeights? best = null;
        double bestNdcg = -1, bestHr = -1;
        int combinations = 0;
        var blended = new List<(double Score, int Index)>();
        for (int a = 0; a <= steps; a++)
        for (int b = 0; a + b <= steps; b++)
        for (int v = 0; a + b + v <= steps; v++)
        {
            int p = steps - a - b - v;
            double[] w = [a / (double)steps, b / (double)steps, v / (double)steps, p / (double)steps];
            combinations++;
            double ndcg = 0, hr = 0;
            foreach (var (items, scaledScores, relevant, relevantCount) in users)
            {
                blended.Clear();
                for (int i = 0; i < items.Length; i++)
                {
                    double score = 0;
                    for (int s = 0; s < sources.Length; s++) score += w[s] * scaledScores[i * sources.Length + s];
                    blended.Add((score, i));
                }
                // Same order as HybridRecommender.Blend: score, then id.
                blended.Sort((x, y) =>
                {
                    int cmp = ((float)y.Score).CompareTo((float)x.Score);
                    return cmp != 0 ? cmp : ItemId.Ordinal.Compare(items[x.Index], items[y.Index]);
                });
                double dcg = 0, ideal = 0;
                bool hit = false;
                for (int r = 0; r < Math.Min(k, blended.Count); r++)
                {
                    if (!relevant[blended[r].Index]) continue;
                    dcg += 1 / Math.Log2(r + 2);
                    hit = true;
                }
                for (int r = 0; r < Math.Min(k, relevantCount); r++) ideal += 1 / Math.Log2(r + 2);
                ndcg += ideal > 0 ? dcg / ideal : 0;
                hr += hit ? 1 : 0;
            }
            if (users.Count > 0) { ndcg /= users.Count; hr /= users.Count; }
            if (ndcg > bestNdcg + 1e-12 || (Math.Abs(ndcg - bestNdcg) <= 1e-12 && hr > bestHr + 1e-12))
            {
                if (w.Sum() <= 0) continue;
                bestNdcg = ndcg;
                bestHr = hr;
                best = new HybridWeights(w[0], w[1], w[2], w[3]);
            }
        }
        best ??= HybridWeights.Default;
        best = best with
        {
            Origin = origin ?? $"tuned on {users.Count} validation users",
            ValidationScore = bestNdcg,
            TunedAt = tunedAt,
        };
        return new TuningResult(best, bestNdcg, bestHr, users.Count, combinations);
    }
}
