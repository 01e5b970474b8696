using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Lookalike.Search.USearch;

/// <summary>
/// The inner products <see cref="MappedHnswGraph"/> walks with, one per dtype a saved graph can hold. int8 is an exact
/// integer dot product (AVX-VNNI or AVX2) and float16 follows the summation order of the NumKong (SimSIMD 7) kernel
/// USearch 2.26 dispatches to ("skylake", "haswell", checked against <c>usearch_hardware_acceleration</c> at open), so
/// their distances — and therefore walks, ranks and scores — are bit-identical to USearch's (where USearch runs another
/// kernel, <see cref="DotF16"/> sums in its own order, equal to float rounding). float32 sums in float
/// (<see cref="DotF32"/>): USearch's kernels widen every product to double, which costs the walk a third of its speed
/// (docs/benchmarks.md, "Float sums") for a difference in the last bit of a score. Scalar tails; every length is valid.
/// </summary>
internal static unsafe class HnswKernels
{
    /// <summary>Σ a·b over <paramref name="n"/> float32 values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotF32(float* a, float* b, int n)
    {
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = Vector256<float>.Zero, s2 = Vector256<float>.Zero, s3 = Vector256<float>.Zero;
            for (; i <= n - 32; i += 32)
            {
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), s1);
                s2 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 16), Vector256.Load(b + i + 16), s2);
                s3 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i + 24), Vector256.Load(b + i + 24), s3);
            }
            for (; i <= n - 8; i += 8) s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a + i), Vector256.Load(b + i), s0);
            sum = Vector256.Sum((s0 + s1) + (s2 + s3));
        }
        for (; i < n; i++) sum += a[i] * b[i];
        return sum;
    }

    /// <summary>
    /// <see cref="DotF32"/> of one query against four rows at once, into <paramref name="dots"/>[0…3], each summed in
    /// exactly the one-row order (so every result is bit-identical to it); the sixteen accumulators' FMA chains overlap.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotF32x4(float* a, float* b0, float* b1, float* b2, float* b3, int n, float* dots)
    {
        if (!Vector256.IsHardwareAccelerated || (n & 31) != 0)
        {
            dots[0] = DotF32(a, b0, n);
            dots[1] = DotF32(a, b1, n);
            dots[2] = DotF32(a, b2, n);
            dots[3] = DotF32(a, b3, n);
            return;
        }
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, c0 = a0, c1 = a0, c2 = a0, c3 = a0,
            d0 = a0, d1 = a0, d2 = a0, d3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        for (int i = 0; i < n; i += 32)
        {
            var q0 = Vector256.Load(a + i);
            var q1 = Vector256.Load(a + i + 8);
            var q2 = Vector256.Load(a + i + 16);
            var q3 = Vector256.Load(a + i + 24);
            a0 = Vector256.FusedMultiplyAdd(q0, Vector256.Load(b0 + i), a0);
            a1 = Vector256.FusedMultiplyAdd(q1, Vector256.Load(b0 + i + 8), a1);
            a2 = Vector256.FusedMultiplyAdd(q2, Vector256.Load(b0 + i + 16), a2);
            a3 = Vector256.FusedMultiplyAdd(q3, Vector256.Load(b0 + i + 24), a3);
            c0 = Vector256.FusedMultiplyAdd(q0, Vector256.Load(b1 + i), c0);
            c1 = Vector256.FusedMultiplyAdd(q1, Vector256.Load(b1 + i + 8), c1);
            c2 = Vector256.FusedMultiplyAdd(q2, Vector256.Load(b1 + i + 16), c2);
            c3 = Vector256.FusedMultiplyAdd(q3, Vector256.Load(b1 + i + 24), c3);
            d0 = Vector256.FusedMultiplyAdd(q0, Vector256.Load(b2 + i), d0);
            d1 = Vector256.FusedMultiplyAdd(q1, Vector256.Load(b2 + i + 8), d1);
            d2 = Vector256.FusedMultiplyAdd(q2, Vector256.Load(b2 + i + 16), d2);
            d3 = Vector256.FusedMultiplyAdd(q3, Vector256.Load(b2 + i + 24), d3);
            e0 = Vector256.FusedMultiplyAdd(q0, Vector256.Load(b3 + i), e0);
            e1 = Vector256.FusedMultiplyAdd(q1, Vector256.Load(b3 + i + 8), e1);
            e2 = Vector256.FusedMultiplyAdd(q2, Vector256.Load(b3 + i + 16), e2);
            e3 = Vector256.FusedMultiplyAdd(q3, Vector256.Load(b3 + i + 24), e3);
        }
        dots[0] = Vector256.Sum((a0 + a1) + (a2 + a3));
        dots[1] = Vector256.Sum((c0 + c1) + (c2 + c3));
        dots[2] = Vector256.Sum((d0 + d1) + (d2 + d3));
        dots[3] = Vector256.Sum((e0 + e1) + (e2 + e3));
    }

    // USearch 2.26 dispatches to NumKong (SimSIMD 7) kernels; the float16 ones below repeat their summation order bit for bit.

    /// <summary>Σ q·h as NumKong's <c>nk_dot_f16_skylake</c>: halves widened to float, a 16-lane float FMA accumulator
    /// over a zero-filled tail, then lanes folded (i, i+8) and (i+4, i+12) and two horizontal adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotF16Skylake(float* q, ushort* h, int n)
    {
        var sum = Vector512<float>.Zero;
        int i = 0;
        for (; i <= n - 16; i += 16)
            sum = Vector512.FusedMultiplyAdd(Vector512.Load(q + i), Halves16(h + i), sum);
        if (i < n)
        {
            float* tq = stackalloc float[16], th = stackalloc float[16];
            Vector512<float>.Zero.Store(tq);
            Vector512<float>.Zero.Store(th);
            for (int j = 0; i + j < n; j++)
            {
                tq[j] = q[i + j];
                th[j] = (float)BitConverter.UInt16BitsToHalf(h[i + j]);
            }
            sum = Vector512.FusedMultiplyAdd(Vector512.Load(tq), Vector512.Load(th), sum);
        }
        return FoldF16Skylake(sum);
    }

    /// <summary><see cref="DotF16Skylake"/> against four rows at once, bit-identical per row (as <see cref="DotF32x4"/>);
    /// a length that is not a multiple of 16 runs the one-row kernel four times.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void DotF16Skylake4(float* q, ushort* h0, ushort* h1, ushort* h2, ushort* h3, int n, float* dots)
    {
        if ((n & 15) != 0)
        {
            dots[0] = DotF16Skylake(q, h0, n);
            dots[1] = DotF16Skylake(q, h1, n);
            dots[2] = DotF16Skylake(q, h2, n);
            dots[3] = DotF16Skylake(q, h3, n);
            return;
        }
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        for (int i = 0; i < n; i += 16)
        {
            var x = Vector512.Load(q + i);
            s0 = Vector512.FusedMultiplyAdd(x, Halves16(h0 + i), s0);
            s1 = Vector512.FusedMultiplyAdd(x, Halves16(h1 + i), s1);
            s2 = Vector512.FusedMultiplyAdd(x, Halves16(h2 + i), s2);
            s3 = Vector512.FusedMultiplyAdd(x, Halves16(h3 + i), s3);
        }
        dots[0] = FoldF16Skylake(s0);
        dots[1] = FoldF16Skylake(s1);
        dots[2] = FoldF16Skylake(s2);
        dots[3] = FoldF16Skylake(s3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Halves16(ushort* h) =>
        Vector512.Create(HalfToSingle(Vector256.WidenLower(Vector128.Load(h).ToVector256())), HalfToSingle(Vector256.WidenLower(Vector128.Load(h + 8).ToVector256())));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float FoldF16Skylake(Vector512<float> sum)
    {
        var eight = sum.GetLower() + sum.GetUpper();
        var four = eight.GetLower() + eight.GetUpper();
        return (four.GetElement(0) + four.GetElement(1)) + (four.GetElement(2) + four.GetElement(3));
    }

    /// <summary>Σ q·h as NumKong's <c>nk_dot_f16_haswell</c>: an 8-lane float FMA accumulator over a zero-filled tail,
    /// halves added, two horizontal adds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotF16Haswell(float* q, ushort* h, int n)
    {
        var sum = Vector256<float>.Zero;
        int i = 0;
        for (; i <= n - 8; i += 8)
            sum = Vector256.FusedMultiplyAdd(Vector256.Load(q + i), HalfToSingle(Vector256.WidenLower(Vector128.Load(h + i).ToVector256())), sum);
        if (i < n)
        {
            float* tq = stackalloc float[8], th = stackalloc float[8];
            Vector256<float>.Zero.Store(tq);
            Vector256<float>.Zero.Store(th);
            for (int j = 0; i + j < n; j++)
            {
                tq[j] = q[i + j];
                th[j] = (float)BitConverter.UInt16BitsToHalf(h[i + j]);
            }
            sum = Vector256.FusedMultiplyAdd(Vector256.Load(tq), Vector256.Load(th), sum);
        }
        var four = sum.GetLower() + sum.GetUpper();
        return (four.GetElement(0) + four.GetElement(1)) + (four.GetElement(2) + four.GetElement(3));
    }

    /// <summary>Σ q·h over <paramref name="n"/> values: <paramref name="q"/> float32, <paramref name="h"/> IEEE half bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float DotF16(float* q, ushort* h, int n)
    {
        int i = 0;
        float sum = 0;
        if (Vector256.IsHardwareAccelerated && n >= 16)
        {
            Vector256<float> s0 = Vector256<float>.Zero, s1 = Vector256<float>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(h + i));
                s0 = Vector256.FusedMultiplyAdd(Vector256.Load(q + i), HalfToSingle(lo), s0);
                s1 = Vector256.FusedMultiplyAdd(Vector256.Load(q + i + 8), HalfToSingle(hi), s1);
            }
            sum = Vector256.Sum(s0 + s1);
        }
        for (; i < n; i++) sum += q[i] * (float)BitConverter.UInt16BitsToHalf(h[i]);
        return sum;
    }

    /// <summary>
    /// Eight halves (zero-extended bits) to float32, exact for zeros, subnormals and normals: the exponent and mantissa
    /// shifted into float32 position are the value × 2⁻¹¹², undone by one multiply (no F16C in .NET). Not for inf/NaN,
    /// which unit vectors never hold.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> HalfToSingle(Vector256<uint> bits)
    {
        var magnitude = Vector256.ShiftLeft(bits & Vector256.Create(0x7fffu), 13).AsSingle() * Vector256.Create(5.192296858534828e33f); // 2^112
        return (magnitude.AsUInt32() | Vector256.ShiftLeft(bits & Vector256.Create(0x8000u), 16)).AsSingle();
    }

    /// <summary>
    /// Σ q·v over <paramref name="n"/> int8 values as an exact integer. <paramref name="absQ"/> is |q| (USearch's int8
    /// values lie in [−127, 127], so |q| fits a byte and sign(v, q)·|q| = v·q without saturation).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int DotI8(sbyte* q, byte* absQ, sbyte* v, int n)
    {
        int i = 0;
        int sum = 0;
        if (AvxVnni.IsSupported && n >= 32)
        {
            Vector256<int> s0 = Vector256<int>.Zero, s1 = Vector256<int>.Zero;
            for (; i <= n - 64; i += 64)
            {
                s0 = AvxVnni.MultiplyWideningAndAdd(s0, Avx.LoadVector256(absQ + i), Avx2.Sign(Avx.LoadVector256(v + i), Avx.LoadVector256(q + i)));
                s1 = AvxVnni.MultiplyWideningAndAdd(s1, Avx.LoadVector256(absQ + i + 32), Avx2.Sign(Avx.LoadVector256(v + i + 32), Avx.LoadVector256(q + i + 32)));
            }
            for (; i <= n - 32; i += 32)
                s0 = AvxVnni.MultiplyWideningAndAdd(s0, Avx.LoadVector256(absQ + i), Avx2.Sign(Avx.LoadVector256(v + i), Avx.LoadVector256(q + i)));
            sum = Vector256.Sum(s0 + s1);
        }
        else if (Avx2.IsSupported && n >= 32)
        {
            // |q|·sign(v,q) pairs fit int16 (2·127² < 32,767), then widened to int32 pairwise.
            var ones = Vector256.Create((short)1);
            Vector256<int> s0 = Vector256<int>.Zero;
            for (; i <= n - 32; i += 32)
            {
                var pairs = Avx2.MultiplyAddAdjacent(Avx.LoadVector256(absQ + i), Avx2.Sign(Avx.LoadVector256(v + i), Avx.LoadVector256(q + i)));
                s0 += Avx2.MultiplyAddAdjacent(pairs, ones);
            }
            sum = Vector256.Sum(s0);
        }
        for (; i < n; i++) sum += q[i] * v[i];
        return sum;
    }

    /// <summary>
    /// USearch's float → int8 cast (<c>cast_to_i8_gt</c>): scale by 127 / ‖x‖ in double precision, clamp to ±127,
    /// truncate toward zero. Summed in order, as USearch does, so the bytes are identical to the ones it stores.
    /// </summary>
    public static void QuantizeI8(ReadOnlySpan<float> x, Span<sbyte> output)
    {
        double magnitude = 0;
        foreach (float value in x) magnitude += (double)value * value;
        magnitude = Math.Sqrt(magnitude);
        for (int i = 0; i < x.Length; i++)
            output[i] = (sbyte)Math.Clamp(x[i] * 127.0 / magnitude, -127.0, 127.0);
    }
}
