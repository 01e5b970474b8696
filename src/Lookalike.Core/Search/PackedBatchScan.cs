using System.Numerics;
using System.Runtime.InteropServices;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Search;

/// <summary>
/// Many queries against many rows as a packed matrix product (<see cref="DotKernels"/>): queries are packed once, rows
/// a block at a time, and each tile of scores is tested against every query's heap threshold at once. Shared by the
/// in-memory and the memory-mapped exact index, which differ only in where a block of rows lies and which rows may
/// enter a heap.
/// </summary>
internal static unsafe class PackedBatchScan
{
    /// <summary>Rows packed per block: 256 rows × 512 dims × 4 bytes = 512 KiB, half the L2 of one core (packing is amortised over every query of the call).</summary>
    public const int RowBlock = 256;

    /// <summary><paramref name="count"/> consecutive rows from <paramref name="first"/>, row-major.</summary>
    public delegate ReadOnlySpan<float> Rows(int first, int count);

    /// <summary>Whether <paramref name="row"/> may enter the heap of query <paramref name="query"/> (called only for rows above its threshold).</summary>
    public delegate bool Admits(int query, int row);

    /// <summary>
    /// The top <paramref name="k"/> heaps of all <paramref name="queryCount"/> queries over rows 0..<paramref name="n"/>:
    /// queries are split across up to <paramref name="maxThreads"/> cores in whole register tiles, and every core
    /// streams (and packs) all rows.
    /// </summary>
    public static TopK[] RunOnCores(float[] queries, int queryCount, int k, int n, int dimension, int maxThreads, Rows rows, Admits admits)
    {
        var heaps = new TopK[queryCount];
        for (int q = 0; q < queryCount; q++) heaps[q] = new TopK(k);
        int tile = DotKernels.QueryTile;
        int groups = (queryCount + tile - 1) / tile;
        int threads = Math.Clamp(Math.Min(maxThreads, groups), 1, Environment.ProcessorCount);
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            int fromGroup = (int)((long)groups * t / threads), toGroup = (int)((long)groups * (t + 1) / threads);
            Run(queries, fromGroup * tile, Math.Min(toGroup * tile, queryCount), n, dimension, rows, admits, heaps);
        });
        return heaps;
    }

    /// <summary>
    /// Scans rows 0..<paramref name="n"/> for queries <paramref name="fromQuery"/>..<paramref name="toQuery"/> of
    /// <paramref name="queries"/> (row-major, <paramref name="dimension"/> wide), adding candidates to <paramref name="heaps"/>.
    /// </summary>
    public static void Run(float[] queries, int fromQuery, int toQuery, int n, int dimension, Rows rows, Admits admits, TopK[] heaps)
    {
        if (fromQuery >= toQuery || n == 0) return;
        int queryTile = DotKernels.QueryTile, rowTile = DotKernels.RowTile;
        int queryCount = toQuery - fromQuery;
        int groups = (queryCount + queryTile - 1) / queryTile;
        float* packedQueries = Allocate(DotKernels.PackedLength(queryCount, queryTile, dimension));
        float* packedRows = Allocate(DotKernels.PackedLength(RowBlock, rowTile, dimension));
        float* scores = stackalloc float[queryTile * rowTile];
        try
        {
            fixed (float* qBase = queries)
                DotKernels.Pack(qBase + (long)fromQuery * dimension, queryCount, dimension, queryTile, packedQueries);
            for (int blockStart = 0; blockStart < n; blockStart += RowBlock)
            {
                int blockRows = Math.Min(RowBlock, n - blockStart);
                fixed (float* block = rows(blockStart, blockRows))
                    DotKernels.Pack(block, blockRows, dimension, rowTile, packedRows);
                int panels = (blockRows + rowTile - 1) / rowTile;
                for (int g = 0; g < groups; g++)
                {
                    float* queryPanel = packedQueries + (long)g * queryTile * dimension;
                    int firstQuery = fromQuery + g * queryTile, liveQueries = Math.Min(queryTile, toQuery - firstQuery);
                    for (int p = 0; p < panels; p++)
                    {
                        DotKernels.Tile(queryPanel, packedRows + (long)p * rowTile * dimension, dimension, scores);
                        int firstRow = blockStart + p * rowTile, liveRows = Math.Min(rowTile, n - firstRow);
                        uint liveMask = liveRows == 32 ? uint.MaxValue : (1u << liveRows) - 1;
                        for (int i = 0; i < liveQueries; i++)
                        {
                            var heap = heaps[firstQuery + i];
                            float* row = scores + i * rowTile;
                            // One vector compare rejects a whole tile row once the heap is full (the common case).
                            for (uint above = DotKernels.Above(row, heap.Threshold) & liveMask; above != 0; above &= above - 1)
                            {
                                int j = BitOperations.TrailingZeroCount(above), item = firstRow + j;
                                if (admits(firstQuery + i, item)) heap.Add(row[j], item);
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(packedQueries);
            NativeMemory.AlignedFree(packedRows);
        }
    }

    /// <summary>
    /// The heap's rows, best first, each scored again by <see cref="VectorMath.Dot"/> — the kernel of a single search —
    /// so a batch answers with the very scores a query on its own gets (the tile product sums in another order, which
    /// moves the last bits; a caller that adds or compares scores across paths must not see that).
    /// </summary>
    public static (float Score, int Row)[] Rescored(TopK heap, ReadOnlySpan<float> query, Rows rows)
    {
        var best = heap.DrainSorted();
        for (int i = 0; i < best.Length; i++) best[i].Score = VectorMath.Dot(query, rows(best[i].Row, 1));
        Array.Sort(best, static (a, b) => a.Score != b.Score ? b.Score.CompareTo(a.Score) : a.Row.CompareTo(b.Row));
        return best;
    }

    private static float* Allocate(long floats) => (float*)NativeMemory.AlignedAlloc((nuint)(floats * sizeof(float)), 64);
}
