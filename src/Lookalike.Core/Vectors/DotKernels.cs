using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Lookalike.Core.Vectors;

/// <summary>
/// Register-blocked dot products for many queries against many rows (the matrix–matrix product of batch search):
/// a 4×4 tile of 16 dot products shares every load, 8 vector loads feed 16 fused multiply-adds.
/// AVX-512 (16 floats) where available, else 256-bit, else 128-bit vectors; the tail is scalar.
/// </summary>
internal static unsafe class DotKernels
{
    /// <summary>
    /// Writes <c>scores[4*i + j] = dot(q_i, r_j)</c> for i, j in 0..3, each vector <paramref name="dimension"/> floats.
    /// Pointers may repeat (to pad a partial tile); callers ignore the padded scores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dot4x4(float* q0, float* q1, float* q2, float* q3, float* r0, float* r1, float* r2, float* r3, int dimension, float* scores)
    {
        int k = 0;
        if (Vector512.IsHardwareAccelerated && dimension >= 16)
        {
            Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
            for (; k <= dimension - 16; k += 16)
            {
                var x0 = Vector512.Load(r0 + k);
                var x1 = Vector512.Load(r1 + k);
                var x2 = Vector512.Load(r2 + k);
                var x3 = Vector512.Load(r3 + k);
                var y = Vector512.Load(q0 + k);
                a00 = Vector512.FusedMultiplyAdd(y, x0, a00); a01 = Vector512.FusedMultiplyAdd(y, x1, a01);
                a02 = Vector512.FusedMultiplyAdd(y, x2, a02); a03 = Vector512.FusedMultiplyAdd(y, x3, a03);
                y = Vector512.Load(q1 + k);
                a10 = Vector512.FusedMultiplyAdd(y, x0, a10); a11 = Vector512.FusedMultiplyAdd(y, x1, a11);
                a12 = Vector512.FusedMultiplyAdd(y, x2, a12); a13 = Vector512.FusedMultiplyAdd(y, x3, a13);
                y = Vector512.Load(q2 + k);
                a20 = Vector512.FusedMultiplyAdd(y, x0, a20); a21 = Vector512.FusedMultiplyAdd(y, x1, a21);
                a22 = Vector512.FusedMultiplyAdd(y, x2, a22); a23 = Vector512.FusedMultiplyAdd(y, x3, a23);
                y = Vector512.Load(q3 + k);
                a30 = Vector512.FusedMultiplyAdd(y, x0, a30); a31 = Vector512.FusedMultiplyAdd(y, x1, a31);
                a32 = Vector512.FusedMultiplyAdd(y, x2, a32); a33 = Vector512.FusedMultiplyAdd(y, x3, a33);
            }
            scores[0] = Vector512.Sum(a00); scores[1] = Vector512.Sum(a01); scores[2] = Vector512.Sum(a02); scores[3] = Vector512.Sum(a03);
            scores[4] = Vector512.Sum(a10); scores[5] = Vector512.Sum(a11); scores[6] = Vector512.Sum(a12); scores[7] = Vector512.Sum(a13);
            scores[8] = Vector512.Sum(a20); scores[9] = Vector512.Sum(a21); scores[10] = Vector512.Sum(a22); scores[11] = Vector512.Sum(a23);
            scores[12] = Vector512.Sum(a30); scores[13] = Vector512.Sum(a31); scores[14] = Vector512.Sum(a32); scores[15] = Vector512.Sum(a33);
        }
        else if (Vector256.IsHardwareAccelerated && dimension >= 8)
        {
            Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
            Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
            Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
            Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default;
            for (; k <= dimension - 8; k += 8)
            {
                var x0 = Vector256.Load(r0 + k);
                var x1 = Vector256.Load(r1 + k);
                var x2 = Vector256.Load(r2 + k);
                var x3 = Vector256.Load(r3 + k);
                var y = Vector256.Load(q0 + k);
                a00 = Vector256.FusedMultiplyAdd(y, x0, a00); a01 = Vector256.FusedMultiplyAdd(y, x1, a01);
                a02 = Vector256.FusedMultiplyAdd(y, x2, a02); a03 = Vector256.FusedMultiplyAdd(y, x3, a03);
                y = Vector256.Load(q1 + k);
                a10 = Vector256.FusedMultiplyAdd(y, x0, a10); a11 = Vector256.FusedMultiplyAdd(y, x1, a11);
                a12 = Vector256.FusedMultiplyAdd(y, x2, a12); a13 = Vector256.FusedMultiplyAdd(y, x3, a13);
                y = Vector256.Load(q2 + k);
                a20 = Vector256.FusedMultiplyAdd(y, x0, a20); a21 = Vector256.FusedMultiplyAdd(y, x1, a21);
                a22 = Vector256.FusedMultiplyAdd(y, x2, a22); a23 = Vector256.FusedMultiplyAdd(y, x3, a23);
                y = Vector256.Load(q3 + k);
                a30 = Vector256.FusedMultiplyAdd(y, x0, a30); a31 = Vector256.FusedMultiplyAdd(y, x1, a31);
                a32 = Vector256.FusedMultiplyAdd(y, x2, a32); a33 = Vector256.FusedMultiplyAdd(y, x3, a33);
            }
            scores[0] = Vector256.Sum(a00); scores[1] = Vector256.Sum(a01); scores[2] = Vector256.Sum(a02); scores[3] = Vector256.Sum(a03);
            scores[4] = Vector256.Sum(a10); scores[5] = Vector256.Sum(a11); scores[6] = Vector256.Sum(a12); scores[7] = Vector256.Sum(a13);
            scores[8] = Vector256.Sum(a20); scores[9] = Vector256.Sum(a21); scores[10] = Vector256.Sum(a22); scores[11] = Vector256.Sum(a23);
            scores[12] = Vector256.Sum(a30); scores[13] = Vector256.Sum(a31); scores[14] = Vector256.Sum(a32); scores[15] = Vector256.Sum(a33);
        }
        else
        {
            for (int i = 0; i < 16; i++) scores[i] = 0;
        }
        // Scalar tail (and the whole product when no vector unit applies).
        if (k < dimension)
        {
            Tail(q0, r0, r1, r2, r3, k, dimension, scores + 0);
            Tail(q1, r0, r1, r2, r3, k, dimension, scores + 4);
            Tail(q2, r0, r1, r2, r3, k, dimension, scores + 8);
            Tail(q3, r0, r1, r2, r3, k, dimension, scores + 12);
        }
    }

    private static void Tail(float* q, float* r0, float* r1, float* r2, float* r3, int from, int dimension, float* scores)
    {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int k = from; k < dimension; k++)
        {
            float y = q[k];
            s0 += y * r0[k]; s1 += y * r1[k]; s2 += y * r2[k]; s3 += y * r3[k];
        }
        scores[0] += s0; scores[1] += s1; scores[2] += s2; scores[3] += s3;
    }
}
