namespace Lookalike.Core.Recommendations;

/// <summary>How collaborative filtering compares two items' (or two users') rating vectors.</summary>
public enum SimilarityKind
{
    /// <summary>
    /// Cosine of the two sparse vectors (missing cells are 0): <c>Σ a·b / (‖a‖·‖b‖)</c>, norms over all cells.
    /// The choice for implicit feedback (purchases), where every value is positive.
    /// </summary>
    Cosine,

    /// <summary>
    /// Pearson correlation over the co-rated entries only, each side centred on its own mean over those entries:
    /// <c>Σ (a−ā)(b−b̄) / √(Σ (a−ā)² · Σ (b−b̄)²)</c>; 0 with fewer than two co-ratings or no variance.
    /// The choice for explicit ratings; degenerate (always 0) for binary data.
    /// </summary>
    Pearson,
}

/// <summary>Parses and prints <see cref="SimilarityKind"/> as <c>cosine</c>/<c>pearson</c>.</summary>
public static class SimilarityKinds
{
    public static string Name(SimilarityKind kind) => kind == SimilarityKind.Pearson ? "pearson" : "cosine";

    public static bool TryParse(string? text, out SimilarityKind kind)
    {
        kind = SimilarityKind.Cosine;
        switch (text?.Trim().ToLowerInvariant())
        {
            case "cosine": return true;
            case "pearson": kind = SimilarityKind.Pearson; return true;
            default: return false;
        }
    }
}
