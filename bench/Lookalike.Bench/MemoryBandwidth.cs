using System.Diagnostics;
using System.Numerics.Tensors;

namespace Lookalike.Bench;

/// <summary>
/// A STREAM-like read test: sums a buffer far larger than the caches on every core, best of several passes.
/// The ceiling an exact scan is compared with (a scan reads each vector once, like this).
/// </summary>
public static class MemoryBandwidth
{
    /// <summary>Measured read bandwidth in GB/s (10⁹ bytes) with <paramref name="threads"/> threads.</summary>
    public static double MeasureReadGBs(int threads, long bytes = 1L << 30, int passes = 5)
    {
        int floats = (int)Math.Min(bytes / sizeof(float), Array.MaxLength);
        var buffer = new float[floats];
        buffer.AsSpan().Fill(1f); // touch every page so the first pass does not measure page faults
        double best = 0;
        for (int pass = 0; pass < passes; pass++)
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int from = (int)((long)floats * t / threads), to = (int)((long)floats * (t + 1) / threads);
                float sum = TensorPrimitives.Sum(buffer.AsSpan(from, to - from));
                if (sum < 0) Console.Error.Write(""); // keep the sum alive
            });
            best = Math.Max(best, floats * (double)sizeof(float) / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }
}
