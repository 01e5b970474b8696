using Lookalike.Core.Catalog;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.Search.USearch;

namespace Lookalike.Hosting.Search;

/// <summary>
/// Picks the HNSW search expansion (ef) for a recall target at the store's size, by measurement: a seeded sample of
/// the store's own items is searched as <c>similar</c> searches them (the item itself excluded), against the exact
/// answer over the store's float32 vectors, at rising ef until recall@10 reaches the target. Run once, when
/// <c>auto</c> builds the graph; the result is kept in the cache header and shown by <c>info</c>.
/// </summary>
public static class HnswCalibration
{
    /// <summary>Recall@10 <c>auto</c> aims for.</summary>
    public const double DefaultTarget = 0.95;

    /// <summary>Queries in the sample (2,000 neighbour pairs at k = 10: recall to about ±0.01).</summary>
    public const int SampleSize = 200;

    private const int K = 10;

    /// <summary>The search expansions tried, smallest first.</summary>
    private static readonly int[] Ladder = [16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 4096];

    /// <summary>
    /// Measures recall@10 at rising ef and sets the smallest one that reaches <paramref name="target"/> on
    /// <paramref name="index"/> (the largest tried when none does). Null when the store is too small to sample.
    /// </summary>
    public static HnswIndexCache.Calibration? Run(ICatalogStore store, HnswVectorIndex index, LearnedSpace space, double target = DefaultTarget)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(space);
        using var stored = store.OpenVectors();
        if (stored is null) return null;
        var rows = LiveRows(stored);
        if (rows.Count <= K * 2) return null;

        // Every (n/q)-th live row from a seeded offset: spread over the whole store, the same sample for the same store.
        int q = Math.Min(SampleSize, rows.Count / 2);
        int offset = (int)(new SplitMix64(0xCA11B8A7E).NextUInt64() % (ulong)(rows.Count / q));
        int dimension = index.Dimension;
        var queryIds = new ItemId[q];
        var queries = new float[q * dimension];
        for (int i = 0; i < q; i++)
        {
            int row = rows[offset + (int)((long)i * rows.Count / q)];
            if (!stored.Ids.TryGetId(row, out queryIds[i])) return null; // another writer changed the store meanwhile: calibrate next time
            space.Map(stored.Rows.Rows(row, 1), queries.AsSpan(i * dimension, dimension));
        }
        var truth = ExactNeighbours(stored, rows, space, queries, queryIds, dimension);

        HnswIndexCache.Calibration? result = null;
        foreach (int ef in Ladder)
        {
            index.SetSearchExpansion(ef);
            int found = 0;
            for (int i = 0; i < q; i++)
            {
                var hits = index.Search(queries.AsSpan(i * dimension, dimension), new SearchRequest(K, Exclude: queryIds[i]));
                found += hits.Count(h => truth[i].Contains(h.Id));
            }
            result = new HnswIndexCache.Calibration(target, found / (double)(q * K), ef, q);
            if (result.Recall >= target) break;
        }
        return result;
    }

    private static List<int> LiveRows(StoredVectors stored)
    {
        var rows = new List<int>(stored.Ids.LiveCount);
        for (int row = 0; row < stored.Ids.Count; row++)
            if (stored.Ids.IsLive(row)) rows.Add(row);
        return rows;
    }

    /// <summary>The exact top-(k+1) of every query (one more: the query item itself is dropped), one pass over the rows in chunks on every core.</summary>
    private static HashSet<ItemId>[] ExactNeighbours(StoredVectors stored, List<int> rows, LearnedSpace space, float[] queries, ItemId[] queryIds, int dimension)
    {
        int q = queryIds.Length;
        const int Chunk = 8192;
        int chunks = (rows.Count + Chunk - 1) / Chunk;
        var partial = new TopK[chunks][];
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, c =>
        {
            var heaps = new TopK[q];
            for (int i = 0; i < q; i++) heaps[i] = new TopK(K + 1);
            var mapped = new float[dimension];
            int end = Math.Min(rows.Count, (c + 1) * Chunk);
            for (int r = c * Chunk; r < end; r++)
            {
                space.Map(stored.Rows.Rows(rows[r], 1), mapped);
                for (int i = 0; i < q; i++)
                {
                    float score = VectorMath.Dot(queries.AsSpan(i * dimension, dimension), mapped);
                    if (score > heaps[i].Threshold) heaps[i].Add(score, rows[r]);
                }
            }
            partial[c] = heaps;
        });
        var truth = new HashSet<ItemId>[q];
        for (int i = 0; i < q; i++)
        {
            var merged = new TopK(K + 1);
            foreach (var heaps in partial)
                foreach (var (score, row) in heaps[i].DrainSorted())
                    if (score > merged.Threshold) merged.Add(score, row);
            truth[i] = merged.DrainSorted().Select(x => stored.Ids.TryGetId(x.Row, out var id) ? id : (ItemId?)null)
                .OfType<ItemId>().Where(id => id != queryIds[i]).Take(K).ToHashSet();
        }
        return truth;
    }
}
