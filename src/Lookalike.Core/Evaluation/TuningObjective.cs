using Lookalike.Core.Errors;

namespace Lookalike.Core.Evaluation;

/// <summary>
/// What the validation windows maximise when choosing the hybrid's weights and popularity's half-life; the other metric
/// breaks ties. HR@k is what the recommendation targets are stated in ("did any of the 10 get bought?"); nDCG@k also
/// rewards putting a hit higher, a smoother but different goal.
/// </summary>
public enum TuningObjective
{
    HitRate,
    Ndcg,
}

public static class TuningObjectives
{
    public static string Name(TuningObjective objective) => objective == TuningObjective.HitRate ? "hr" : "ndcg";

    /// <summary>Parses <c>hr</c> or <c>ndcg</c> (case-insensitive); a clear error naming <paramref name="option"/> otherwise.</summary>
    public static TuningObjective Parse(string? value, string option) => value?.Trim().ToLowerInvariant() switch
    {
        "hr" or "hitrate" or "hit-rate" => TuningObjective.HitRate,
        "ndcg" => TuningObjective.Ndcg,
        _ => throw LookalikeException.InvalidArgument(option, $"Unknown tuning objective '{value}': expected hr or ndcg."),
    };

    /// <summary>Whether (primary, secondary) = objective's metric then the other one, of a beats b (1e-12 tolerance on the primary).</summary>
    public static bool Beats(TuningObjective objective, double ndcgA, double hitA, double ndcgB, double hitB)
    {
        var (pa, sa, pb, sb) = objective == TuningObjective.HitRate ? (hitA, ndcgA, hitB, ndcgB) : (ndcgA, hitA, ndcgB, hitB);
        return pa > pb + 1e-12 || (Math.Abs(pa - pb) <= 1e-12 && sa > sb + 1e-12);
    }
}
