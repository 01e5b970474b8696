using System.Numerics.Tensors;

namespace Lookalike.Core.Vectors;

/// <summary>Vector kernels over spans; every one goes through <see cref="TensorPrimitives"/> (AVX-512 where available).</summary>
public static class VectorMath
{
    /// <summary>Dot product; equals cosine similarity for unit vectors. Spans must have equal length.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);

    /// <summary>Scales <paramref name="vector"/> in place to unit L2 norm. Returns false (and leaves it) when the norm is zero or not finite.</summary>
    public static bool Normalize(Span<float> vector)
    {
        float norm = TensorPrimitives.Norm((ReadOnlySpan<float>)vector);
        if (!(norm > 0f) || !float.IsFinite(norm)) return false;
        TensorPrimitives.Divide(vector, norm, vector);
        return true;
    }

    /// <summary>L2 norm.</summary>
    public static float Norm(ReadOnlySpan<float> vector) => TensorPrimitives.Norm(vector);
}
