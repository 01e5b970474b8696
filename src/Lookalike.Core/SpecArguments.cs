using System.Globalization;

namespace Lookalike.Core;

/// <summary>
/// The <c>name(key=value,...)</c> syntax shared by printable specs (<c>hnsw(m=16,ef=64)</c>, <c>kr(k1=20)</c>):
/// splits the argument list, refuses malformed and repeated keys, and reads bounded integers.
/// </summary>
internal readonly struct SpecArguments
{
    private readonly Func<string, Exception> _bad;

    private SpecArguments(IReadOnlyList<(string Key, string Value)> pairs, Func<string, Exception> bad)
    {
        Pairs = pairs;
        _bad = bad;
    }

    public IReadOnlyList<(string Key, string Value)> Pairs { get; }

    /// <summary>Parses the text between <c>name(</c> and <c>)</c>; <paramref name="bad"/> turns a reason into the exception to throw.</summary>
    public static SpecArguments Parse(string inner, Func<string, Exception> bad)
    {
        var pairs = new List<(string, string)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in inner.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) throw bad($"'{part}' is not key=value");
            string key = part[..eq].Trim(), value = part[(eq + 1)..].Trim();
            if (!seen.Add(key)) throw bad($"'{key}' given twice");
            pairs.Add((key, value));
        }
        return new SpecArguments(pairs, bad);
    }

    /// <summary>The integer <paramref name="value"/> of <paramref name="key"/>, or the caller's error when it is not one in [min, max].</summary>
    public int Int(string key, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
            ? v : throw _bad($"{key} must be an integer {min}–{max}");
}
