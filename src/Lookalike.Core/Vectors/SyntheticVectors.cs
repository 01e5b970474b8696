namespace Lookalike.Core.Vectors;

/// <summary>
/// Seeded clustered unit vectors for tests and benchmarks, the model of <c>shared/bench/vectors.py</c>:
/// <c>clusters</c> random unit centres; each vector is a centre plus isotropic gaussian noise of norm ≈ <c>spread</c>,
/// L2-normalised. spread 1 gives cosine ≈ 0.5 within a cluster and ≈ 0 across, like CNN embeddings of a catalog.
/// The same (seed, stream) gives the same bytes in every process (<see cref="SplitMix64"/>), so a failure replays.
/// </summary>
public sealed class SyntheticVectors
{
    private readonly float[] _centers;
    private readonly int _clusters;
    private readonly float _spread;
    private readonly int _seed;

    public SyntheticVectors(int dimension, int clusters = 1000, float spread = 1f, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clusters);
        Dimension = dimension;
        _clusters = clusters;
        _spread = spread;
        _seed = seed;
        _centers = new float[clusters * dimension];
        var random = SplitMix64.For(seed, -1);
        for (int c = 0; c < clusters; c++)
        {
            var center = _centers.AsSpan(c * dimension, dimension);
            for (int i = 0; i < dimension; i++) center[i] = (float)random.NextGaussian();
            VectorMath.Normalize(center);
        }
    }

    public int Dimension { get; }

    /// <summary>Fills <paramref name="destination"/> (rows × Dimension) with vectors drawn by a stream seeded with <paramref name="stream"/>.</summary>
    public void Fill(Span<float> destination, int stream)
    {
        if (destination.Length % Dimension != 0) throw new ArgumentException("Length must be a multiple of Dimension.", nameof(destination));
        var random = SplitMix64.For(_seed, stream);
        float noise = _spread / MathF.Sqrt(Dimension);
        for (int offset = 0; offset < destination.Length; offset += Dimension)
        {
            var row = destination.Slice(offset, Dimension);
            var center = _centers.AsSpan(random.Next(_clusters) * Dimension, Dimension);
            for (int i = 0; i < Dimension; i++) row[i] = center[i] + noise * (float)random.NextGaussian();
            VectorMath.Normalize(row);
        }
    }

    /// <summary>A new <paramref name="rows"/>×Dimension matrix from stream <paramref name="stream"/>.</summary>
    public float[] Generate(int rows, int stream)
    {
        var data = new float[(long)rows * Dimension];
        Fill(data, stream);
        return data;
    }
}
