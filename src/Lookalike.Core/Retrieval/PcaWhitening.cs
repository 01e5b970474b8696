using System.Numerics.Tensors;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Retrieval;

/// <summary>
/// PCA (optionally whitening) learned on a set of unit vectors: <c>y = normalise(Λ^-½ Uᵀ (x − μ))</c> keeping the
/// <see cref="OutputDimension"/> strongest components. Whitening rescales every kept component to unit variance, so
/// the few directions that dominate a CNN's global features (background, pose) stop dominating the cosine.
/// Reduction shrinks the stored vectors (512 → 128 is 4× less memory). Immutable and thread-safe once fitted.
/// </summary>
public sealed class PcaWhitening
{
    private readonly float[] _mean;
    private readonly float[] _projection; // OutputDimension × InputDimension, row-major, rows already scaled

    private PcaWhitening(int input, int output, bool whiten, float[] mean, float[] projection, double[] eigenvalues)
    {
        InputDimension = input;
        OutputDimension = output;
        Whiten = whiten;
        _mean = mean;
        _projection = projection;
        Eigenvalues = eigenvalues;
    }

    public int InputDimension { get; }

    public int OutputDimension { get; }

    public bool Whiten { get; }

    /// <summary>Variances of the kept components, descending.</summary>
    public IReadOnlyList<double> Eigenvalues { get; }

    /// <summary>Descriptor: <c>pcaw(256)</c> or <c>pca(256)</c>.</summary>
    public override string ToString() => $"{(Whiten ? "pcaw" : "pca")}({OutputDimension})";

    /// <summary>
    /// Learns the transform from <paramref name="count"/> row-major vectors of <paramref name="dimension"/> values.
    /// </summary>
    /// <param name="epsilonFraction">Added to every eigenvalue before whitening, as a fraction of the largest
    /// (guards the weakest kept components against being blown up); ignored without whitening.</param>
    /// <exception cref="ArgumentException">Output dimension outside 1..dimension, fewer than 2 vectors, or a shape mismatch.</exception>
    public static PcaWhitening Fit(ReadOnlySpan<float> rows, int count, int dimension, int outputDimension, bool whiten = true, double epsilonFraction = 1e-4)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (outputDimension < 1 || outputDimension > dimension)
            throw new ArgumentOutOfRangeException(nameof(outputDimension), $"Output dimension must be 1..{dimension}; got {outputDimension}.");
        if (count < 2) throw new ArgumentException("PCA needs at least 2 vectors.", nameof(rows));
        if (rows.Length != count * dimension) throw new ArgumentException($"Expected {count}×{dimension} values, got {rows.Length}.", nameof(rows));

        var mean = new float[dimension];
        var sum = new double[dimension];
        for (int r = 0; r < count; r++)
        {
            var row = rows.Slice(r * dimension, dimension);
            for (int j = 0; j < dimension; j++) sum[j] += row[j];
        }
        for (int j = 0; j < dimension; j++) mean[j] = (float)(sum[j] / count);

        // Centred data transposed (D×N), so each covariance entry is one contiguous SIMD dot product of length N.
        var columns = new float[(long)dimension * count];
        for (int r = 0; r < count; r++)
        {
            var row = rows.Slice(r * dimension, dimension);
            for (int j = 0; j < dimension; j++) columns[(long)j * count + r] = row[j] - mean[j];
        }
        var covariance = new double[dimension * dimension];
        var columnsMemory = columns;
        Parallel.For(0, dimension, i =>
        {
            var ci = columnsMemory.AsSpan(i * count, count);
            for (int j = i; j < dimension; j++)
            {
                double c = TensorPrimitives.Dot(ci, columnsMemory.AsSpan(j * count, count)) / (double)(count - 1);
                covariance[i * dimension + j] = c;
                covariance[j * dimension + i] = c;
            }
        });

        var (values, vectors) = SymmetricEigen.Decompose(covariance, dimension);
        double epsilon = epsilonFraction * Math.Max(values[0], 1e-30);
        var projection = new float[outputDimension * dimension];
        var kept = new double[outputDimension];
        for (int i = 0; i < outputDimension; i++)
        {
            kept[i] = Math.Max(values[i], 0);
            double scale = whiten ? 1 / Math.Sqrt(kept[i] + epsilon) : 1;
            for (int j = 0; j < dimension; j++) projection[i * dimension + j] = (float)(vectors[i][j] * scale);
        }
        return new PcaWhitening(dimension, outputDimension, whiten, mean, projection, kept);
    }

    /// <summary>Transforms one vector into a unit vector of <see cref="OutputDimension"/> values.</summary>
    public void Transform(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputDimension) throw new ArgumentException($"Expected {InputDimension} values, got {input.Length}.", nameof(input));
        if (output.Length != OutputDimension) throw new ArgumentException($"Expected room for {OutputDimension} values, got {output.Length}.", nameof(output));
        Span<float> centred = InputDimension <= 2048 ? stackalloc float[InputDimension] : new float[InputDimension];
        TensorPrimitives.Subtract(input, _mean, centred);
        for (int i = 0; i < OutputDimension; i++)
            output[i] = TensorPrimitives.Dot(_projection.AsSpan(i * InputDimension, InputDimension), centred);
        VectorMath.Normalize(output);
    }

    /// <summary>Transforms <paramref name="count"/> row-major vectors; returns count×<see cref="OutputDimension"/> values.</summary>
    public float[] TransformAll(ReadOnlySpan<float> rows, int count)
    {
        if (rows.Length != count * InputDimension) throw new ArgumentException($"Expected {count}×{InputDimension} values, got {rows.Length}.", nameof(rows));
        var output = new float[count * OutputDimension];
        for (int r = 0; r < count; r++)
            Transform(rows.Slice(r * InputDimension, InputDimension), output.AsSpan(r * OutputDimension, OutputDimension));
        return output;
    }
}
