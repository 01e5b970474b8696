using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lookalike.Core.Vectors;

/// <summary>
/// The matrix–matrix product of batch search, written the way BLAS writes GEMM: rows and queries are first packed
/// into k-major panels, then a register-resident micro-kernel computes a tile of <see cref="QueryTile"/> queries ×
/// <see cref="RowTile"/> rows with one broadcast per query and one vector load per 16 (or 8) rows for each k.
/// Every score of a tile leaves the kernel as a full vector, so there is no horizontal sum anywhere, and the caller
/// can reject a whole vector of rows against a heap threshold with one compare.
/// AVX-512: 8 queries × 32 rows (16 accumulators); AVX2: 4 × 16; otherwise 4 × 8 on 128-bit vectors.
/// </summary>
internal static unsafe class DotKernels
{
    /// <summary>Queries per tile (rows of a packed query panel).</summary>
    public static readonly int QueryTile = Vector512.IsHardwareAccelerated ? 8 : 4;

    /// <summary>Catalog rows per tile (columns of a packed row panel).</summary>
    public static readonly int RowTile = Vector512.IsHardwareAccelerated ? 32 : Vector256.IsHardwareAccelerated ? 16 : 8;

    /// <summary>
    /// Packs <paramref name="count"/> row-major vectors of <paramref name="dimension"/> floats into panels of
    /// <paramref name="tile"/> vectors, k-major inside a panel: <c>dst[p·tile·d + k·tile + j] = src[(p·tile + j)·d + k]</c>.
    /// The last panel is padded with zero vectors. <paramref name="dst"/> holds <c>PackedLength(count, tile, d)</c> floats.
    /// </summary>
    public static void Pack(float* src, int count, int dimension, int tile, float* dst)
    {
        int panels = (count + tile - 1) / tile;
        for (int p = 0; p < panels; p++)
        {
            float* panel = dst + (long)p * tile * dimension;
            int live = Math.Min(tile, count - p * tile);
            for (int j = 0; j < live; j++)
            {
                float* vector = src + (long)(p * tile + j) * dimension;
                for (int k = 0; k < dimension; k++) panel[k * tile + j] = vector[k];
            }
            for (int j = live; j < tile; j++)
                for (int k = 0; k < dimension; k++) panel[k * tile + j] = 0f;
        }
    }

    public static long PackedLength(int count, int tile, int dimension) => (long)((count + tile - 1) / tile) * tile * dimension;

    /// <summary>
    /// <c>scores[i·RowTile + j] = Σ_k queries[k·QueryTile + i] · rows[k·RowTile + j]</c> for one packed query panel and
    /// one packed row panel (as written by <see cref="Pack"/> with <see cref="QueryTile"/> and <see cref="RowTile"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Tile(float* queries, float* rows, int dimension, float* scores)
    {
        if (Vector512.IsHardwareAccelerated) Tile8x32(queries, rows, dimension, scores);
        else if (Vector256.IsHardwareAccelerated) Tile4x16(queries, rows, dimension, scores);
        else Tile4x8(queries, rows, dimension, scores);
    }

    /// <summary>Bit j set when <c>scores[j] &gt; threshold</c>, for the <see cref="RowTile"/> scores of one query's tile row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Above(float* scores, float threshold)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var t = Vector512.Create(threshold);
            return (uint)Vector512.GreaterThan(Vector512.Load(scores), t).ExtractMostSignificantBits()
                | (uint)Vector512.GreaterThan(Vector512.Load(scores + 16), t).ExtractMostSignificantBits() << 16;
        }
        if (Vector256.IsHardwareAccelerated)
        {
            var t = Vector256.Create(threshold);
            return Vector256.GreaterThan(Vector256.Load(scores), t).ExtractMostSignificantBits()
                | Vector256.GreaterThan(Vector256.Load(scores + 8), t).ExtractMostSignificantBits() << 8;
        }
        var t4 = Vector128.Create(threshold);
        return Vector128.GreaterThan(Vector128.Load(scores), t4).ExtractMostSignificantBits()
            | Vector128.GreaterThan(Vector128.Load(scores + 4), t4).ExtractMostSignificantBits() << 4;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8x32(float* q, float* x, int dimension, float* scores)
    {
        Vector512<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        Vector512<float> a4 = default, b4 = default, a5 = default, b5 = default, a6 = default, b6 = default, a7 = default, b7 = default;
        for (int k = 0; k < dimension; k++, q += 8, x += 32)
        {
            var lo = Vector512.Load(x);
            var hi = Vector512.Load(x + 16);
            var y = Vector512.Create(q[0]); a0 = Vector512.FusedMultiplyAdd(y, lo, a0); b0 = Vector512.FusedMultiplyAdd(y, hi, b0);
            y = Vector512.Create(q[1]); a1 = Vector512.FusedMultiplyAdd(y, lo, a1); b1 = Vector512.FusedMultiplyAdd(y, hi, b1);
            y = Vector512.Create(q[2]); a2 = Vector512.FusedMultiplyAdd(y, lo, a2); b2 = Vector512.FusedMultiplyAdd(y, hi, b2);
            y = Vector512.Create(q[3]); a3 = Vector512.FusedMultiplyAdd(y, lo, a3); b3 = Vector512.FusedMultiplyAdd(y, hi, b3);
            y = Vector512.Create(q[4]); a4 = Vector512.FusedMultiplyAdd(y, lo, a4); b4 = Vector512.FusedMultiplyAdd(y, hi, b4);
            y = Vector512.Create(q[5]); a5 = Vector512.FusedMultiplyAdd(y, lo, a5); b5 = Vector512.FusedMultiplyAdd(y, hi, b5);
            y = Vector512.Create(q[6]); a6 = Vector512.FusedMultiplyAdd(y, lo, a6); b6 = Vector512.FusedMultiplyAdd(y, hi, b6);
            y = Vector512.Create(q[7]); a7 = Vector512.FusedMultiplyAdd(y, lo, a7); b7 = Vector512.FusedMultiplyAdd(y, hi, b7);
        }
        a0.Store(scores); b0.Store(scores + 16); a1.Store(scores + 32); b1.Store(scores + 48);
        a2.Store(scores + 64); b2.Store(scores + 80); a3.Store(scores + 96); b3.Store(scores + 112);
        a4.Store(scores + 128); b4.Store(scores + 144); a5.Store(scores + 160); b5.Store(scores + 176);
        a6.Store(scores + 192); b6.Store(scores + 208); a7.Store(scores + 224); b7.Store(scores + 240);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile4x16(float* q, float* x, int dimension, float* scores)
    {
        Vector256<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        for (int k = 0; k < dimension; k++, q += 4, x += 16)
        {
            var lo = Vector256.Load(x);
            var hi = Vector256.Load(x + 8);
            var y = Vector256.Create(q[0]); a0 = Vector256.FusedMultiplyAdd(y, lo, a0); b0 = Vector256.FusedMultiplyAdd(y, hi, b0);
            y = Vector256.Create(q[1]); a1 = Vector256.FusedMultiplyAdd(y, lo, a1); b1 = Vector256.FusedMultiplyAdd(y, hi, b1);
            y = Vector256.Create(q[2]); a2 = Vector256.FusedMultiplyAdd(y, lo, a2); b2 = Vector256.FusedMultiplyAdd(y, hi, b2);
            y = Vector256.Create(q[3]); a3 = Vector256.FusedMultiplyAdd(y, lo, a3); b3 = Vector256.FusedMultiplyAdd(y, hi, b3);
        }
        a0.Store(scores); b0.Store(scores + 8); a1.Store(scores + 16); b1.Store(scores + 24);
        a2.Store(scores + 32); b2.Store(scores + 40); a3.Store(scores + 48); b3.Store(scores + 56);
    }

    private static void Tile4x8(float* q, float* x, int dimension, float* scores)
    {
        Vector128<float> a0 = default, b0 = default, a1 = default, b1 = default, a2 = default, b2 = default, a3 = default, b3 = default;
        for (int k = 0; k < dimension; k++, q += 4, x += 8)
        {
            var lo = Vector128.Load(x);
            var hi = Vector128.Load(x + 4);
            var y = Vector128.Create(q[0]); a0 += y * lo; b0 += y * hi;
            y = Vector128.Create(q[1]); a1 += y * lo; b1 += y * hi;
            y = Vector128.Create(q[2]); a2 += y * lo; b2 += y * hi;
            y = Vector128.Create(q[3]); a3 += y * lo; b3 += y * hi;
        }
        a0.Store(scores); b0.Store(scores + 4); a1.Store(scores + 8); b1.Store(scores + 12);
        a2.Store(scores + 16); b2.Store(scores + 20); a3.Store(scores + 24); b3.Store(scores + 28);
    }
}
