using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Learning;

/// <summary>
/// Which of one person's choices <see cref="FeedbackLearningSet"/> pairs as positives. Purchase data is dated by day, so a
/// window of 0 days pairs the same basket (same person, same day) only.
/// </summary>
public sealed record FeedbackPairing
{
    public static FeedbackPairing Default { get; } = new();

    /// <summary>Choices at most this many days apart are paired (0 = the same day); 0–365, default 30.</summary>
    public int WindowDays { get; init; } = 30;

    /// <summary>Each choice pairs with at most this many of the same person's later choices, nearest in time first; 1–100, default 5.</summary>
    public int PartnersPerChoice { get; init; } = 5;

    /// <summary>
    /// An item takes part in at most this many pairs (its earliest), so that bestsellers do not dominate the learning
    /// and crowd each batch's negatives; 0 = no cap (default).
    /// </summary>
    public int MaxPairsPerItem { get; init; }

    public TimeSpan Window => TimeSpan.FromDays(WindowDays);

    /// <exception cref="LookalikeException">InvalidArgument naming the option out of range.</exception>
    public FeedbackPairing Validated()
    {
        if (WindowDays is < 0 or > 365) throw LookalikeException.InvalidArgument("pair-window", $"--pair-window {WindowDays} is out of range: give 0–365 days (0 = the same day).");
        if (PartnersPerChoice is < 1 or > 100) throw LookalikeException.InvalidArgument("pair-partners", $"--pair-partners {PartnersPerChoice} is out of range: give 1–100.");
        if (MaxPairsPerItem is < 0 or > 1_000_000) throw LookalikeException.InvalidArgument("pairs-per-item", $"--pairs-per-item {MaxPairsPerItem} is out of range: give 0 (no cap) to 1000000.");
        return this;
    }

    public override string ToString() =>
        $"window {WindowDays} d, {PartnersPerChoice} partner(s) per choice{(MaxPairsPerItem > 0 ? $", at most {MaxPairsPerItem} pair(s) per item" : "")}";
}
