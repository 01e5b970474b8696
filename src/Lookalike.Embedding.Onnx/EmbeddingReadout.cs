using System.Numerics.Tensors;

namespace Lookalike.Embedding.Onnx;

/// <summary>Turns the last graph's output tensor into the embedding: pool, check length, L2-normalise.</summary>
internal static class EmbeddingReadout
{
    /// <summary>
    /// Whether an output of this shape can become an embedding of <paramref name="dimension"/> floats. Dimensions
    /// that are not fixed (≤ 0 in ONNX metadata) are accepted here and checked again on every run.
    /// </summary>
    /// <returns>null when acceptable, else why not.</returns>
    public static string? Check(ReadOnlySpan<long> shape, int dimension)
    {
        long channels;
        switch (shape.Length)
        {
            case 4 when shape[0] is 1 or <= 0: channels = shape[1]; break; // [1, C, H, W] → average over H*W
            case 2 when shape[0] is 1 or <= 0: channels = shape[1]; break; // [1, C]
            case 1: channels = shape[0]; break;                               // [C]
            default:
                return $"has shape [{string.Join(", ", shape.ToArray())}]; supported are [1, C, H, W] (average-pooled), [1, C] and [C]";
        }
        return channels > 0 && channels != dimension
            ? $"has {channels} channels (shape [{string.Join(", ", shape.ToArray())}]) but the manifest's dimension is {dimension}"
            : null;
    }

    /// <summary>
    /// Writes the pooled, L2-normalised embedding into <paramref name="destination"/> (exactly <paramref name="dimension"/> floats).
    /// An all-zero output stays all zeros: it has no direction, and it then scores 0 against every vector.
    /// </summary>
    /// <returns>null on success, else why the output is unusable (wrong shape, non-finite values).</returns>
    public static string? Write(ReadOnlySpan<float> output, ReadOnlySpan<long> shape, int dimension, Span<float> destination)
    {
        if (Check(shape, dimension) is { } problem) return problem;
        destination = destination[..dimension];
        if (shape.Length == 4)
        {
            int area = checked((int)(shape[2] * shape[3]));
            if (area == 0) return "has an empty spatial extent";
            for (int c = 0; c < dimension; c++)
                destination[c] = TensorPrimitives.Sum(output.Slice(c * area, area)) / area;
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
}
