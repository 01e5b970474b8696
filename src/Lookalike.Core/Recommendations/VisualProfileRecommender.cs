using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Recommendations;

/// <summary>Rocchio profile parameters (see docs/parameters.md).</summary>
public sealed record VisualProfileOptions
{
    /// <summary>α: weight of the mean of liked items' vectors.</summary>
    public double PositiveWeight { get; init; } = 2;

    /// <summary>β: weight of the mean of disliked items' vectors (subtracted).</summary>
    public double NegativeWeight { get; init; } = 1;

    /// <summary>γ: weight of the mean direction <c>v(better) − v(worse)</c> of pairwise preferences.</summary>
    public double PreferenceWeight { get; init; } = 1;

    /// <summary>Half-life of history weights; null: old and new count the same.</summary>
    public TimeSpan? HalfLife { get; init; } = TimeSpan.FromDays(60);

    /// <summary>Only the newest this many positive and negative items (and preferences) are averaged.</summary>
    public int MaxHistory { get; init; } = 5;
}

/// <summary>
/// A person's taste as one direction in embedding space (Rocchio relevance feedback):
/// <c>α·mean(liked) − β·mean(disliked) + γ·mean(better − worse)</c>, each mean weighted by recency × |signal| (age counted back from the person's newest event),
/// then L2-normalised. Outside photos count as liked or disliked items seen now.
/// </summary>
public static class RocchioProfile
{
    /// <summary>The unit profile vector, or null when nothing positive is known (no liked item, photo or preference with a vector).</summary>
    /// <param name="vectorOf">An item's unit vector, or null when the catalog has none.</param>
    public static float[]? Build(UserHistory history, Func<ItemId, float[]?> vectorOf, int dimension, VisualProfileOptions options, DateTimeOffset now,
        IReadOnlyList<ReadOnlyMemory<float>>? likedVectors = null, IReadOnlyList<ReadOnlyMemory<float>>? dislikedVectors = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(vectorOf);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        var anchor = Recency.Anchor(history, now);
        var positive = new WeightedMean(dimension);
        var negative = new WeightedMean(dimension);
        var direction = new WeightedMean(dimension);
        foreach (var signal in history.Items.Where(s => s.Weight > 0 && s.LastTime <= now).Take(options.MaxHistory))
        {
            if (vectorOf(signal.Item) is { } v) positive.Add(v, signal.Weight * Recency.Weight(signal.LastTime, anchor, options.HalfLife));
        }
        foreach (var signal in history.Items.Where(s => s.Weight < 0 && s.LastTime <= now).Take(options.MaxHistory))
        {
            if (vectorOf(signal.Item) is { } v) negative.Add(v, -signal.Weight * Recency.Weight(signal.LastTime, anchor, options.HalfLife));
        }
        var difference = new float[dimension];
        foreach (var p in history.Preferences.Where(p => p.Time <= now).OrderByDescending(p => p.Time).Take(options.MaxHistory))
        {
            if (vectorOf(p.Better) is not { } better || vectorOf(p.Worse) is not { } worse) continue;
            for (int d = 0; d < dimension; d++) difference[d] = better[d] - worse[d];
            direction.Add(difference, Recency.Weight(p.Time, anchor, options.HalfLife));
        }
        foreach (var v in likedVectors ?? []) positive.Add(v.Span, 1);
        foreach (var v in dislikedVectors ?? []) negative.Add(v.Span, 1);
        if (positive.IsEmpty && direction.IsEmpty) return null;

        var profile = new float[dimension];
        positive.AddTo(profile, options.PositiveWeight);
        negative.AddTo(profile, -options.NegativeWeight);
        direction.AddTo(profile, options.PreferenceWeight);
        return VectorMath.Normalize(profile) ? profile : null;
    }

    private sealed class WeightedMean(int dimension)
    {
        private readonly double[] _sum = new double[dimension];
        private double _weight;

        public bool IsEmpty => !(_weight > 0);

        public void Add(ReadOnlySpan<float> vector, double weight)
        {
            if (!(weight > 0) || vector.Length != _sum.Length) return;
            for (int d = 0; d < _sum.Length; d++) _sum[d] += weight * vector[d];
            _weight += weight;
        }

        public void AddTo(float[] target, double scale)
        {
            if (IsEmpty) return;
            for (int d = 0; d < target.Length; d++) target[d] += (float)(scale * _sum[d] / _weight);
        }
    }
}

/// <summary>
/// Visual recommendations: the items whose photos point most in the direction of the person's
/// <see cref="RocchioProfile"/>, found by the vector index; seen items are excluded by the search filter (not by
/// trimming afterwards), so <see cref="RecommendationRequest.Count"/> still come back. Scores are cosines. Knows every
/// item with a photo, including those nobody has bought yet.
/// </summary>
public sealed class VisualProfileRecommender : IRecommender
{
    private readonly IVectorIndex _index;
    private readonly VisualProfileOptions _options;

    public VisualProfileRecommender(IVectorIndex index, VisualProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(index);
        _index = index;
        _options = options ?? new VisualProfileOptions();
    }

    public string Name => "visual";

    public IVectorIndex Index => _index;

    /// <summary>The profile vector for a request, or null.</summary>
    public float[]? Profile(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return RocchioProfile.Build(request.History, _index.GetVector, _index.Dimension, _options, request.Now, request.LikedVectors, request.DislikedVectors);
    }

    public IReadOnlyList<Candidate> Recommend(RecommendationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Profile(request) is not { } profile) return [];
        var hits = _index.Search(profile, new SearchRequest(Math.Min(request.Count, SearchRequest.MaxK), request.AllowsExisting));
        return hits.Select(h => new Candidate(h.Id, h.Score)).ToList();
    }
}
