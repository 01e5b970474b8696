using Lookalike.Core.Vectors;

namespace Lookalike.Core.Evaluation;

/// <summary>A 95% percentile-bootstrap interval of a mean over users.</summary>
public readonly record struct BootstrapInterval(double Low, double High)
{
    /// <summary>Resamples per interval: enough for stable 2.5/97.5 percentiles at the sample sizes eval-recs sees.</summary>
    public const int Resamples = 1000;

    /// <summary>Whether the whole interval lies above zero (a paired difference that says "better").</summary>
    public bool AboveZero => Low > 0;

    /// <summary>Whether the whole interval lies below zero.</summary>
    public bool BelowZero => High < 0;

    public override string ToString() => FormattableString.Invariant($"[{Low:0.0000}, {High:0.0000}]");

    /// <summary>
    /// The interval of the mean of <paramref name="values"/> (one per user): users drawn with replacement
    /// <see cref="Resamples"/> times with a fixed seed, so a report is reproducible.
    /// </summary>
    public static BootstrapInterval OfMean(IReadOnlyList<double> values, long seed = 1) => OfMeanDifference(values, null, seed);

    /// <summary>
    /// The interval of the mean of <paramref name="a"/> − <paramref name="b"/> over the same users (paired: each resample
    /// draws users, not values, so both strategies are scored on the same people).
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static BootstrapInterval OfMeanDifference(IReadOnlyList<double> a, IReadOnlyList<double>? b, long seed = 1)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (b is not null && b.Count != a.Count) throw new ArgumentException($"Paired values need the same users: {a.Count} and {b.Count}.", nameof(b));
        int n = a.Count;
        if (n == 0) return new BootstrapInterval(0, 0);
        var means = new double[Resamples];
        var random = SplitMix64.For(seed, n);
        for (int r = 0; r < Resamples; r++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                int user = random.Next(n);
                sum += a[user] - (b?[user] ?? 0);
            }
            means[r] = sum / n;
        }
        Array.Sort(means);
        return new BootstrapInterval(means[(int)(0.025 * (Resamples - 1))], means[(int)Math.Ceiling(0.975 * (Resamples - 1))]);
    }
}
