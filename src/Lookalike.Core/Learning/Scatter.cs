using System.Numerics.Tensors;

namespace Lookalike.Core.Learning;

/// <summary>Second-moment matrices of row sets, as symmetric D×D row-major doubles.</summary>
internal static class Scatter
{
    /// <summary>Σ w_r · r rᵀ / Σ w_r over the rows of <paramref name="rows"/> (count×dimension).</summary>
    public static double[] Of(float[] rows, int count, int dimension, float[]? weights = null)
    {
        // Rows transposed (D×N, each scaled by √w) so every entry is one contiguous SIMD dot product of length N.
        var columns = new float[(long)dimension * count];
        double total = 0;
        for (int r = 0; r < count; r++)
        {
            float scale = weights is null ? 1f : MathF.Sqrt(weights[r]);
            total += weights is null ? 1 : weights[r];
            for (int j = 0; j < dimension; j++) columns[(long)j * count + r] = rows[(long)r * dimension + j] * scale;
        }
        var result = new double[dimension * dimension];
        Parallel.For(0, dimension, i =>
        {
            var ci = columns.AsSpan(i * count, count);
            for (int j = i; j < dimension; j++)
            {
                double c = TensorPrimitives.Dot(ci, columns.AsSpan(j * count, count)) / Math.Max(total, 1e-30);
                result[i * dimension + j] = c;
                result[j * dimension + i] = c;
            }
        });
        return result;
    }

    /// <summary>Adds λ·(trace/D)·I after scaling by (1−λ): shrinks toward a sphere so whitening never divides by ~0.</summary>
    public static void Shrink(double[] matrix, int dimension, double lambda)
    {
        double trace = 0;
        for (int i = 0; i < dimension; i++) trace += matrix[i * dimension + i];
        for (int i = 0; i < matrix.Length; i++) matrix[i] *= 1 - lambda;
        for (int i = 0; i < dimension; i++) matrix[i * dimension + i] += lambda * trace / dimension;
    }
}
