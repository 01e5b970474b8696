namespace Lookalike.Core.Vectors;

/// <summary>
/// The dense product <c>C = A·Bᵀ</c> (A: m×k and B: n×k row-major, C: m×n row-major) by batch search's packed
/// micro-kernel (<see cref="DotKernels"/>): both sides are packed into k-major panels, then every tile of
/// <see cref="DotKernels.QueryTile"/> × <see cref="DotKernels.RowTile"/> is summed in registers, so each value is
/// loaded once per tile instead of once per dot product. For a learner's layer over a batch: m samples, n weight rows.
/// Keeps its packing buffers between calls; one caller at a time.
/// </summary>
public sealed unsafe class PackedProduct
{
    private float[] _packedA = [], _packedB = [];

    /// <summary>Writes <c>C[i, j] = Σ_t A[i, t]·B[j, t]</c> into the first m×n values of <paramref name="c"/>.</summary>
    /// <exception cref="ArgumentException">An array shorter than its shape.</exception>
    public void MultiplyTransposed(float[] a, int m, float[] b, int n, int k, float[] c)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);
        if (a.Length < (long)m * k || b.Length < (long)n * k || c.Length < (long)m * n)
            throw new ArgumentException($"Expected A {m}×{k}, B {n}×{k} and C {m}×{n}.", nameof(c));
        int qt = DotKernels.QueryTile, rt = DotKernels.RowTile;
        float[] packedA = Grown(ref _packedA, DotKernels.PackedLength(m, qt, k));
        float[] packedB = Grown(ref _packedB, DotKernels.PackedLength(n, rt, k));
        int aPanels = (m + qt - 1) / qt, bPanels = (n + rt - 1) / rt;
        Parallel.For(0, aPanels + bPanels, panel =>
        {
            fixed (float* sa = a, sb = b, pa = packedA, pb = packedB)
            {
                if (panel < aPanels) DotKernels.Pack(sa + (long)panel * qt * k, Math.Min(qt, m - panel * qt), k, qt, pa + (long)panel * qt * k);
                else
                {
                    int p = panel - aPanels;
                    DotKernels.Pack(sb + (long)p * rt * k, Math.Min(rt, n - p * rt), k, rt, pb + (long)p * rt * k);
                }
            }
        });
        Parallel.For(0, bPanels, p =>
        {
            float* scores = stackalloc float[qt * rt];
            int rows = Math.Min(rt, n - p * rt);
            fixed (float* pa = packedA, pb = packedB, pc = c)
            {
                for (int q = 0; q < aPanels; q++)
                {
                    DotKernels.Tile(pa + (long)q * qt * k, pb + (long)p * rt * k, k, scores);
                    int samples = Math.Min(qt, m - q * qt);
                    for (int i = 0; i < samples; i++)
                        new ReadOnlySpan<float>(scores + i * rt, rows).CopyTo(new Span<float>(pc + (long)(q * qt + i) * n + p * rt, rows));
                }
            }
        });
    }

    private static float[] Grown(ref float[] buffer, long length)
    {
        if (buffer.Length < length) buffer = GC.AllocateUninitializedArray<float>(checked((int)length), pinned: true);
        return buffer;
    }
}
