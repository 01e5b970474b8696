using Lookalike.Core.Evaluation;

namespace Lookalike.Core.Tests.Evaluation;

public sealed class BootstrapIntervalTests
{
    /// <summary>n users with a hit for the first <paramref name="hits"/> of them.</summary>
    private static double[] Hits(int n, int hits) => Enumerable.Range(0, n).Select(i => i < hits ? 1.0 : 0.0).ToArray();

    [Fact]
    public void OfMean_HitRateOfAFewPercent_WidthMatchesTheNormalApproximation()
    {
        var values = Hits(450, 16); // HR 0.0356, about eval-recs' H&M figure
        var interval = BootstrapInterval.OfMean(values);
        double mean = values.Average(), se = Math.Sqrt(mean * (1 - mean) / values.Length);
        Assert.InRange(mean, interval.Low, interval.High);
        // 2 × 1.96 × SE = 0.034; the percentile bootstrap of a skewed proportion is within ~20% of it.
        Assert.InRange(interval.High - interval.Low, 0.8 * 3.92 * se, 1.2 * 3.92 * se);
        Assert.Equal(interval, BootstrapInterval.OfMean(values)); // fixed seed: the same report every run
    }

    [Fact]
    public void OfMeanDifference_PairedOverTheSameUsers()
    {
        var a = Hits(400, 40);
        Assert.Equal(new BootstrapInterval(0, 0), BootstrapInterval.OfMeanDifference(a, a));

        // b misses 30 of a's hits and hits nothing else: every resample sees a ≥ b, so the difference is resolved.
        var b = a.Select((v, i) => i < 30 ? 0.0 : v).ToArray();
        var better = BootstrapInterval.OfMeanDifference(a, b);
        Assert.True(better.AboveZero, better.ToString());
        Assert.InRange(30 / 400.0, better.Low, better.High);

        // Same hit rate, different users: not told apart.
        var c = a.Reverse().ToArray();
        var tie = BootstrapInterval.OfMeanDifference(a, c);
        Assert.False(tie.AboveZero || tie.BelowZero, tie.ToString());

        Assert.Throws<ArgumentException>(() => BootstrapInterval.OfMeanDifference(a, Hits(3, 1)));
        Assert.Equal(new BootstrapInterval(0, 0), BootstrapInterval.OfMean([]));
    }
}
