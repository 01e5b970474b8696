using System.Globalization;

namespace Lookalike.Storage.Sqlite;

/// <summary>
/// Counts the findings of each check so that a damaged store lists the first few of each kind and counts the rest,
/// instead of one line per broken item.
/// </summary>
internal sealed class CheckTally(int perCheck)
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    /// <summary>Counts one finding of <paramref name="check"/>; true while it is among the first listed.</summary>
    public bool Count(string check) => (_counts[check] = _counts.GetValueOrDefault(check) + 1) <= perCheck;

    /// <summary>The checks with findings past the listed ones, and how many more.</summary>
    public IEnumerable<(string Check, int More)> Unlisted =>
        _counts.Where(kv => kv.Value > perCheck).Select(kv => (kv.Key, kv.Value - perCheck));

    /// <summary>The line for the findings of <paramref name="check"/> past the listed ones.</summary>
    public static string MoreItems(string check, int more) => $"{more} more item(s) fail the {check} check";

    /// <summary>
    /// What is wrong with a stored vector that should be unit length (vectors are L2-normalised at ingest): a NaN or
    /// infinite component, or a norm further than <paramref name="tolerance"/> from 1; null when nothing is.
    /// </summary>
    public static string? NormProblem(string id, ReadOnlySpan<float> vector, double tolerance)
    {
        double sum = 0;
        foreach (float x in vector)
        {
            if (!float.IsFinite(x)) return $"item '{id}' has a NaN or infinite vector component";
            sum += (double)x * x;
        }
        return Math.Abs(Math.Sqrt(sum) - 1) > tolerance
            ? string.Create(CultureInfo.InvariantCulture, $"item '{id}' has norm {Math.Sqrt(sum):0.######}, expected 1 (vectors are normalised at ingest)")
            : null;
    }
}
