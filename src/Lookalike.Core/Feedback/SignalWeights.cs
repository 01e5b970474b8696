namespace Lookalike.Core.Feedback;

/// <summary>
/// How much each kind of feedback says about liking an item, on one scale (1 = a purchase or a like, −1 = a dislike).
/// Ratings map linearly: 5 stars → +1, 3 → 0, 1 → −1. Implicit events saturate: <c>weight × log2(1 + count)</c>.
/// </summary>
public sealed record SignalWeights
{
    public static SignalWeights Default { get; } = new();

    public double Purchase { get; init; } = 1.0;
    public double View { get; init; } = 0.25;
    public double Like { get; init; } = 1.0;
    public double Dislike { get; init; } = -1.0;
    public double Favorite { get; init; } = 1.0;
    public double SearchClick { get; init; } = 0.5;

    /// <summary>Added to the preferred item of each pair (a ranking's pairs share ±this per item in total).</summary>
    public double PreferBetter { get; init; } = 0.5;

    /// <summary>Added to the item liked less.</summary>
    public double PreferWorse { get; init; } = -0.5;

    /// <summary>Signal of a rating: (stars − 3) / 2.</summary>
    public static double Rating(double stars) => (stars - 3.0) / 2.0;

    /// <summary>The signal of one event on its own (no saturation, no latest-wins); 0 for rankings and removals.</summary>
    public double Of(FeedbackEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind switch
        {
            FeedbackKind.Purchase => Purchase,
            FeedbackKind.View => View,
            FeedbackKind.Like => Like,
            FeedbackKind.Dislike => Dislike,
            FeedbackKind.Favorite => e.Value is 0 ? 0 : Favorite,
            FeedbackKind.Search => SearchClick,
            FeedbackKind.Rating => Rating(e.Value ?? 3),
            FeedbackKind.Prefer => PreferBetter,
            _ => 0,
        };
    }
}
