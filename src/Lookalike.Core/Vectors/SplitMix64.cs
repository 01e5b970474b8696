namespace Lookalike.Core.Vectors;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014): a tiny deterministic generator whose output depends on the seed alone —
/// the same numbers in every process, on every runtime version — unlike <see cref="HashCode"/> (randomised per
/// process) or <see cref="Random"/> (whose algorithm is not promised across versions).
/// </summary>
public struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for one (seed, stream) pair; distinct pairs give unrelated sequences.</summary>
    public static SplitMix64 For(long seed, long stream) => new(Mix(unchecked((ulong)seed) ^ Mix(unchecked((ulong)stream) + 0x5851F42D4C957F2DUL)));

    /// <summary>The SplitMix64 finaliser: a bijective avalanche of all 64 bits.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, 1), 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>) without modulo bias worth measuring (Lemire's multiply-shift).</summary>
    public int Next(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        return (int)((NextUInt64() >> 32) * (ulong)maxExclusive >> 32);
    }

    /// <summary>A standard normal deviate (Box–Muller; one of the pair is enough here).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
