using Lookalike.Core.Catalog;
using Lookalike.Core.Search;

namespace Lookalike.Core.Recommendations;

/// <summary>"Looks like what you bought" parameters (see docs/parameters.md).</summary>
public sealed record VisualNeighboursOptions
{
    /// <summary>The newest this many liked (and disliked) items are each searched for look-alikes.</summary>
    public int MaxHistory { get; init; } = 10;

    /// <summary>Look-alikes taken per history item.</summary>
    public int NeighboursPerItem { get; init; } = 40;

    /// <summary>
    /// Exponent p on the cosine: each look-alike adds <c>w · cos^p</c>. A high p lets near-identical photos (the same
    /// garment in another colour) dominate many vaguely similar ones.
    /// </summary>
    public double Sharpness { get; init; } = 8;

    /// <summary>Half-life of history weights; null: old and new count the same.</summary>
    public TimeSpan? HalfLife { get; init; } = TimeSpan.FromDays(60);
}

/// <summary>
/// Visual item-to-item recommendations, the visual counterpart of item-kNN: every recent liked item contributes its own
/// look-alikes, <c>score(j) = Σ_i w_i · r(i) · max(cos(i, j), 0)^p</c> (disliked items subtract). Unlike the single
/// Rocchio direction of <see cref="VisualProfileRecommender"/>, a person who buys shirts and socks keeps both
/// interests. Seen items are excluded inside the searches. Knows items nobody has bought yet.
/// </summary>
public sealed class VisualNeighboursRecommender : IRecommender
{
    private readonly IVectorIndex _index;
    private readonly VisualNeighboursOptions _options;

    public VisualNeighboursRecommender(IVectorIndex index, VisualNeighboursOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _options = options ?? new VisualNeighboursOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxHistory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.NeighboursPerItem);
    }

    public string Name => "visualknn";

    public IReadOnlyList<Candidate> Recommend(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var anchor = Recency.Anchor(request.History, request.Now);
        var seeds = new List<(float[] Vector, double Weight)>();
        foreach (var signal in request.History.Items.Where(s => s.LastTime <= request.Now && s.Weight != 0).Take(_options.MaxHistory))
        {
            if (_index.GetVector(signal.Item) is { } v) seeds.Add((v, signal.Weight * Recency.Weight(signal.LastTime, anchor, _options.HalfLife)));
        }
        foreach (var v in request.LikedVectors) seeds.Add((v.ToArray(), 1));
        foreach (var v in request.DislikedVectors) seeds.Add((v.ToArray(), -1));
        if (!seeds.Any(s => s.Weight > 0)) return [];

        int dimension = _index.Dimension;
        var queries = new float[seeds.Count * dimension];
        for (int s = 0; s < seeds.Count; s++) seeds[s].Vector.CopyTo(queries, s * dimension);
        var hits = _index.SearchBatch(queries, seeds.Count, new SearchRequest(Math.Min(_options.NeighboursPerItem, SearchRequest.MaxK), request.AllowsExisting));
        var scores = new Dictionary<ItemId, double>();
        for (int s = 0; s < seeds.Count; s++)
        {
            foreach (var hit in hits[s])
                scores[hit.Id] = scores.GetValueOrDefault(hit.Id) + seeds[s].Weight * Math.Pow(Math.Max(hit.Score, 0), _options.Sharpness);
        }
        return CandidateSelection.Top(scores, request with { Available = null });
    }
}
