using System.Globalization;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Retrieval;

/// <summary>
/// Parameters of <see cref="KReciprocalRerank"/>, printable and parsable: <c>kr(k1=20,k2=6,lambda=0.3,shortlist=100)</c>
/// (<see cref="ToString"/> round-trips through <see cref="Parse"/>; <c>kr</c> alone is the defaults).
/// </summary>
/// <param name="K1">Neighbours whose reciprocity is checked, 1–1000 (default 20, the paper's value).</param>
/// <param name="K2">Neighbours averaged in the local query expansion of the neighbour encodings, 1–1000 (default 6; 1: off).</param>
/// <param name="Lambda">Weight of the original distance in the final blend, 0–1 (default 0.3; 1 keeps the plain order).</param>
/// <param name="Shortlist">Results re-ranked per query, 2–1000 (default 100): the neighbourhoods are computed among the query and these.</param>
public sealed record KReciprocalSpec(int K1 = 20, int K2 = 6, float Lambda = 0.3f, int Shortlist = 100)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"kr(k1={K1},k2={K2},lambda={Lambda:0.###},shortlist={Shortlist})");

    /// <summary>Parses <c>kr</c> or <c>kr(key=value,...)</c> with keys k1, k2, lambda, shortlist (any subset).</summary>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.InvalidArgument"/> (field <c>rerank</c>) naming the bad part.</exception>
    public static KReciprocalSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string s = text.Trim().ToLowerInvariant();
        LookalikeException Bad(string why) => LookalikeException.InvalidArgument("rerank",
            $"Invalid re-ranking spec '{text}': {why}. Examples: kr, kr(k1=20,k2=6,lambda=0.3,shortlist=100).");
        if (s is "kr" or "kr()") return new KReciprocalSpec();
        if (!s.StartsWith("kr(", StringComparison.Ordinal) || !s.EndsWith(')')) throw Bad("expected kr or kr(...)");
        var spec = new KReciprocalSpec();
        var arguments = SpecArguments.Parse(s[3..^1], Bad);
        foreach (var (key, value) in arguments.Pairs)
        {
            int Int(int min, int max) => arguments.Int(key, value, min, max);
            spec = key switch
            {
                "k1" => spec with { K1 = Int(1, 1000) },
                "k2" => spec with { K2 = Int(1, 1000) },
                "shortlist" => spec with { Shortlist = Int(2, 1000) },
                "lambda" => spec with
                {
                    Lambda = float.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out float l) && l is >= 0 and <= 1
                        ? l : throw Bad("lambda must be a number 0–1"),
                },
                _ => throw Bad($"unknown key '{key}' (known: k1, k2, lambda, shortlist)"),
            };
        }
        return spec;
    }
}
