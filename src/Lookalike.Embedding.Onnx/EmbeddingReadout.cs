using System.Buffers;
using System.Numerics.Tensors;
using Lookalike.Core.Embedding;
using Lookalike.Core.Learning;

namespace Lookalike.Embedding.Onnx;

/// <summary>Turns the last graph's output tensor into the embedding: pool, check length, L2-normalise.</summary>
internal static class EmbeddingReadout
{
    /// <summary>
    /// Whether an output of this shape can become an embedding of <paramref name="dimension"/> floats. Dimensions
    /// that are not fixed (≤ 0 in ONNX metadata) are accepted here and checked again on every run.
    /// </summary>
    /// <returns>null when acceptable, else why not.</returns>
    public static string? Check(ReadOnlySpan<long> shape, int dimension, EmbeddingPooling pooling = default, HeadReadout readout = HeadReadout.None)
    {
        long channels;
        switch (shape.Length)
        {
            case 4 when shape[0] is 1 or <= 0: channels = shape[1]; break; // [1, C, H, W] → pooled over H*W
            case 2 when shape[0] is 1 or <= 0: channels = shape[1]; break; // [1, C]
            case 1: channels = shape[0]; break;                               // [C]
            default:
                return $"has shape [{string.Join(", ", shape.ToArray())}]; supported are [1, C, H, W] (pooled), [1, C] and [C]";
        }
        if ((!pooling.IsAverage || readout != HeadReadout.None) && (shape.Length != 4 || (shape[2] > 0 && shape[3] > 0 && shape[2] * shape[3] < 2)))
            return $"has shape [{string.Join(", ", shape.ToArray())}], but {(pooling.IsAverage ? $"the +{RegionVectors.Suffix} readout" : $"pooling '{pooling}'")} needs a feature map [1, C, H, W] with H×W > 1 (name the tensor before the network's own pooling as the output)";
        return channels > 0 && channels != dimension
            ? $"has {channels} channels (shape [{string.Join(", ", shape.ToArray())}]) but the manifest's dimension is {dimension}"
            : null;
    }

    /// <summary>
    /// Writes the pooled, L2-normalised embedding into <paramref name="destination"/> (exactly <paramref name="dimension"/>
    /// floats; with the regions readout, <see cref="RegionVectors.Dimension"/> floats: the pooled unit vector and the
    /// map's regions, scaled to unit length together). An all-zero output stays all zeros: it has no direction, and it
    /// then scores 0 against every vector.
    /// </summary>
    /// <returns>null on success, else why the output is unusable (wrong shape, non-finite values).</returns>
    public static string? Write(ReadOnlySpan<float> output, ReadOnlySpan<long> shape, int dimension, Span<float> destination, EmbeddingPooling pooling = default,
        HeadReadout readout = HeadReadout.None)
    {
        if (Check(shape, dimension, pooling, readout) is { } problem) return problem;
        if (readout == HeadReadout.Regions)
        {
            if (WritePooled(output, shape, dimension, destination, pooling) is { } failed) return failed;
            int rows = checked((int)shape[2]), cols = checked((int)shape[3]);
            Span<float> vector = destination[..RegionVectors.Dimension(dimension)];
            RegionReadout.Compute(output[..(dimension * rows * cols)], dimension, rows, cols, vector[dimension..]);
            TensorPrimitives.Multiply(vector, RegionVectors.Scale, vector);
            return null;
        }
        return WritePooled(output, shape, dimension, destination, pooling);
    }

    private static string? WritePooled(ReadOnlySpan<float> output, ReadOnlySpan<long> shape, int dimension, Span<float> destination, EmbeddingPooling pooling)
    {
        destination = destination[..dimension];
        if (shape.Length == 4)
        {
            int area = checked((int)(shape[2] * shape[3]));
            if (area == 0) return "has an empty spatial extent";
            switch (pooling.Kind)
            {
                case PoolingKind.Max:
                    for (int c = 0; c < dimension; c++)
                        destination[c] = TensorPrimitives.Max(output.Slice(c * area, area));
                    break;
                case PoolingKind.Gem:
                    Gem(output, area, pooling.P, destination);
                    break;
                default:
                    for (int c = 0; c < dimension; c++)
                        destination[c] = TensorPrimitives.Sum(output.Slice(c * area, area)) / area;
                    break;
            }
        }
        else
        {
            output[..dimension].CopyTo(destination);
        }

        float norm = TensorPrimitives.Norm(destination);
        if (!float.IsFinite(norm)) return "contains NaN or infinite values";
        if (norm > 0) TensorPrimitives.Divide(destination, norm, destination);
        return null;
    }

    /// <summary>GeM per channel: (Σ max(x, ε)^p / area)^(1/p); the power is two multiplications for the usual p = 3.</summary>
    private static void Gem(ReadOnlySpan<float> output, int area, float p, Span<float> destination)
    {
        float[]? rented = area > 256 ? ArrayPool<float>.Shared.Rent(2 * area) : null;
        Span<float> scratch = rented is null ? stackalloc float[2 * area] : rented.AsSpan(0, 2 * area);
        Span<float> clamped = scratch[..area], power = scratch[area..];
        try
        {
            for (int c = 0; c < destination.Length; c++)
            {
                TensorPrimitives.Max(output.Slice(c * area, area), EmbeddingPooling.GemEpsilon, clamped);
                if (p == 3f)
                {
                    TensorPrimitives.Multiply(clamped, clamped, power);
                    TensorPrimitives.Multiply(power, clamped, power);
                }
                else
                {
                    TensorPrimitives.Pow(clamped, p, power);
                }
                destination[c] = MathF.Pow(TensorPrimitives.Sum(power) / area, 1f / p);
            }
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }
}
