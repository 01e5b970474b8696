using Lookalike.Core.Vectors;

namespace Lookalike.Core.Search;

/// <summary>Scans one slice of rows [from, to) into a heap.</summary>
public delegate void ScanSlice(ReadOnlySpan<float> query, int from, int to, TopK heap);

/// <summary>
/// The exact indexes' top-k scan over <c>n</c> rows: on one core below <see cref="ExactVectorIndex.ParallelScanThreshold"/>,
/// else each core scans a contiguous slice into its own heap and the heaps are merged.
/// </summary>
public static class SlicedScan
{
    public static TopK Run(ReadOnlySpan<float> query, int n, int k, int maxThreads, ScanSlice scan)
    {
        ArgumentNullException.ThrowIfNull(scan);
        int parts = n >= ExactVectorIndex.ParallelScanThreshold ? Math.Clamp(maxThreads, 1, Environment.ProcessorCount) : 1;
        var heap = new TopK(k);
        if (parts == 1)
        {
            scan(query, 0, n, heap);
            return heap;
        }
        var heaps = new TopK[parts];
        float[] queryCopy = query.ToArray();
        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
        {
            int from = (int)((long)n * part / parts), to = (int)((long)n * (part + 1) / parts);
            heaps[part] = new TopK(k);
            scan(queryCopy, from, to, heaps[part]);
        });
        foreach (var partial in heaps)
            foreach (var (score, row) in partial.DrainSorted()) heap.Add(score, row);
        return heap;
    }
}
