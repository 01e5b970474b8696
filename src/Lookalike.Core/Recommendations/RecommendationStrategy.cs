namespace Lookalike.Core.Recommendations;

/// <summary>Which recommender answers: <c>popular</c>, <c>visual</c> (Rocchio profile), <c>visualknn</c> (look-alikes of each recent item), <c>itemknn</c>, <c>userknn</c> or <c>hybrid</c>.</summary>
public enum RecommendationStrategy
{
    Popular,
    Visual,
    VisualKnn,
    ItemKnn,
    UserKnn,
    Hybrid,
}

public static class RecommendationStrategies
{
    public static IReadOnlyList<RecommendationStrategy> All { get; } = Enum.GetValues<RecommendationStrategy>();

    public static string Name(RecommendationStrategy strategy) => strategy switch
    {
        RecommendationStrategy.Popular => "popular",
        RecommendationStrategy.Visual => "visual",
        RecommendationStrategy.VisualKnn => "visualknn",
        RecommendationStrategy.ItemKnn => "itemknn",
        RecommendationStrategy.UserKnn => "userknn",
        RecommendationStrategy.Hybrid => "hybrid",
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
    };

    public static bool TryParse(string? text, out RecommendationStrategy strategy)
    {
        strategy = RecommendationStrategy.Hybrid;
        string t = text?.Trim().ToLowerInvariant() ?? "";
        if (t is "popularity") t = "popular";
        foreach (var s in All)
        {
            if (Name(s) == t) { strategy = s; return true; }
        }
        return false;
    }
}

/// <summary>Everything the recommenders can be tuned with (see docs/parameters.md).</summary>
public sealed record RecommenderOptions
{
    public Feedback.SignalWeights Signals { get; init; } = Feedback.SignalWeights.Default;

    /// <summary>What the model keeps of one user (events, bytes, ranking places, list members); the newest win.</summary>
    public Feedback.FeedbackLimits Limits { get; init; } = Feedback.FeedbackLimits.Default;
    public ItemKnnOptions ItemKnn { get; init; } = new();
    public UserKnnOptions UserKnn { get; init; } = new();
    public VisualProfileOptions Visual { get; init; } = new();
    public VisualNeighboursOptions VisualKnn { get; init; } = new();

    /// <summary>Half-life of popularity counts; null: all-time counts.</summary>
    public TimeSpan? PopularityHalfLife { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Half-life of history items in item-kNN scoring; null: all count the same.</summary>
    public TimeSpan? HistoryHalfLife { get; init; } = TimeSpan.FromDays(60);

    /// <summary>Candidates each hybrid source proposes before blending.</summary>
    public int HybridCandidates { get; init; } = 200;
}
