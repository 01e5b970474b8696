using Lookalike.Core.Catalog;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Recommendations;

/// <summary>
/// Re-rankers applied after blending, on the candidates' photo vectors: maximal marginal relevance (MMR) and
/// near-duplicate collapse. Items without a vector are kept and never count as similar to anything.
/// </summary>
public static class Diversity
{
    /// <summary>
    /// Maximal marginal relevance (Carbonell and Goldstein 1998): picks greedily the candidate maximising
    /// <c>λ·relevance − (1 − λ)·max cos(candidate, already picked)</c>, relevance = score min–max scaled to 0…1.
    /// λ = 1 keeps the order; smaller λ trades relevance for visual variety. O(n·count·D).
    /// </summary>
    /// <param name="lambda">0…1.</param>
    public static List<Candidate> Mmr(IReadOnlyList<Candidate> candidates, Func<ItemId, float[]?> vectorOf, double lambda, int count)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(vectorOf);
        ArgumentOutOfRangeException.ThrowIfLessThan(lambda, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lambda, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (candidates.Count == 0) return [];
        float best = candidates.Max(c => c.Score), worst = candidates.Min(c => c.Score);
        double range = best - worst;
        var pool = candidates.Select(c => (c, vectorOf(c.Item), Relevance: range > 0 ? (c.Score - worst) / range : 1.0)).ToList();
        var maxSimilarity = new double[pool.Count];
        var taken = new bool[pool.Count];
        var result = new List<Candidate>(Math.Min(count, pool.Count));
        while (result.Count < count && result.Count < pool.Count)
        {
            int pick = -1;
            double pickValue = double.NegativeInfinity;
            for (int i = 0; i < pool.Count; i++)
            {
                if (taken[i]) continue;
                double value = lambda * pool[i].Relevance - (1 - lambda) * (result.Count == 0 ? 0 : maxSimilarity[i]);
                if (value > pickValue) { pickValue = value; pick = i; }
            }
            taken[pick] = true;
            result.Add(pool[pick].c);
            if (pool[pick].Item2 is not { } picked) continue;
            for (int i = 0; i < pool.Count; i++)
            {
                if (taken[i] || pool[i].Item2 is not { } v) continue;
                maxSimilarity[i] = Math.Max(maxSimilarity[i], VectorMath.Dot(v, picked));
            }
        }
        return result;
    }

    /// <summary>
    /// Drops every candidate whose photo has cosine ≥ <paramref name="threshold"/> with a better-ranked kept one
    /// (the same product photographed twice, colour variants on the same shot). Order is kept.
    /// </summary>
    /// <param name="threshold">τ in (0, 1]; 0.95 catches re-encodes and near-identical shots.</param>
    public static List<Candidate> CollapseNearDuplicates(IReadOnlyList<Candidate> candidates, Func<ItemId, float[]?> vectorOf, double threshold)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(vectorOf);
        if (!(threshold > 0) || threshold > 1) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "τ must be in (0, 1].");
        var kept = new List<Candidate>();
        var keptVectors = new List<float[]>();
        foreach (var c in candidates)
        {
            var v = vectorOf(c.Item);
            if (v is not null && keptVectors.Any(k => VectorMath.Dot(k, v) >= threshold)) continue;
            kept.Add(c);
            if (v is not null) keptVectors.Add(v);
        }
        return kept;
    }
}
