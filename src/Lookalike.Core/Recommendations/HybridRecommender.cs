using Lookalike.Core.Catalog;

namespace Lookalike.Core.Recommendations;

/// <summary>
/// Blends several recommenders: each source returns its best <see cref="CandidatesPerSource"/> candidates, their scores
/// are min–max scaled to 0…1 within that list (best = 1, last = 0 — scores of different recommenders share no scale),
/// and an item's blended score is <c>Σ weight_s · scaled_s(item)</c> (0 from a source that did not propose it).
/// Cold items (no interactions) get only the visual share; cold users only visual and popularity — so neither is ever
/// left without recommendations while any source has something to say.
/// </summary>
public sealed class HybridRecommender : IRecommender
{
    private readonly IReadOnlyList<(IRecommender Source, double Weight)> _sources;

    /// <param name="sources">Sources and weights (≥ 0); sources weighing 0 are not asked.</param>
    /// <param name="candidatesPerSource">Candidates asked of each source, ≥ the requested count (default 200).</param>
    public HybridRecommender(IReadOnlyList<(IRecommender Source, double Weight)> sources, int candidatesPerSource = 200)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfLessThan(candidatesPerSource, 1);
        _sources = sources;
        CandidatesPerSource = candidatesPerSource;
    }

    public string Name => "hybrid";

    public int CandidatesPerSource { get; }

    public IReadOnlyList<Candidate> Recommend(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var inner = request with { Count = Math.Max(request.Count, CandidatesPerSource) };
        var lists = new List<(IReadOnlyList<Candidate>, double)>();
        foreach (var (source, weight) in _sources)
        {
            if (weight > 0) lists.Add((source.Recommend(inner), weight));
        }
        return Blend(lists, request.Count);
    }

    /// <summary>The blend of already computed source lists (best first), top <paramref name="count"/>.</summary>
    public static List<Candidate> Blend(IReadOnlyList<(IReadOnlyList<Candidate> Candidates, double Weight)> lists, int count)
    {
        ArgumentNullException.ThrowIfNull(lists);
        var scores = new Dictionary<ItemId, double>();
        foreach (var (candidates, weight) in lists)
        {
            if (!(weight > 0) || candidates.Count == 0) continue;
            float best = candidates[0].Score, worst = candidates[^1].Score;
            double range = best - worst;
            foreach (var c in candidates)
            {
                // A single candidate (or all tied) scales to 1.
                double scaled = range > 0 ? (c.Score - worst) / range : 1;
                scores[c.Item] = scores.GetValueOrDefault(c.Item) + weight * scaled;
            }
        }
        var result = scores.Select(kv => new Candidate(kv.Key, (float)kv.Value)).ToList();
        CandidateSelection.Sort(result);
        if (result.Count > count) result.RemoveRange(count, result.Count - count);
        return result;
    }
}
