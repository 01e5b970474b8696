using System.Numerics.Tensors;

namespace Lookalike.Core.Learning;

/// <summary>
/// What a projection learns from: <see cref="Count"/> row-major unit vectors, and either a class per row (items with
/// the same class look alike) or a list of positive pairs (items people chose together). Rows without a class are -1.
/// </summary>
public sealed class LearningSet
{
    private LearningSet(float[] vectors, int count, int dimension, int[]? classes, int classCount, IReadOnlyList<(int A, int B)> pairs,
        float[]? readout = null, int readoutDimension = 0)
    {
        Vectors = vectors;
        Count = count;
        Dimension = dimension;
        Classes = classes;
        ClassCount = classCount;
        Pairs = pairs;
        Readout = readout;
        ReadoutDimension = readoutDimension;
    }

    public float[] Vectors { get; }

    public int Count { get; }

    public int Dimension { get; }

    /// <summary>Class index 0..<see cref="ClassCount"/>-1 per row; null for a set of pairs.</summary>
    public int[]? Classes { get; }

    public int ClassCount { get; }

    /// <summary>Positive pairs (row indices); empty for a set of classes.</summary>
    public IReadOnlyList<(int A, int B)> Pairs { get; }

    public ReadOnlySpan<float> Row(int row) => Vectors.AsSpan(row * Dimension, Dimension);

    /// <summary>
    /// What a head reads of each row beside its vector (<see cref="RegionReadout"/>), row-major, <see cref="ReadoutDimension"/>
    /// values per row; null when it reads the vector only.
    /// </summary>
    public float[]? Readout { get; }

    /// <summary>Values of <see cref="Readout"/> per row; 0 without one.</summary>
    public int ReadoutDimension { get; }

    /// <summary>The same rows, with what a head reads of each beside its vector.</summary>
    /// <exception cref="ArgumentException">Not one readout of <paramref name="readoutDimension"/> values per row.</exception>
    public LearningSet WithReadout(float[] readout, int readoutDimension)
    {
        ArgumentNullException.ThrowIfNull(readout);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(readoutDimension);
        if (readout.Length != (long)Count * readoutDimension) throw new ArgumentException($"Expected {Count}×{readoutDimension} readout values, got {readout.Length}.", nameof(readout));
        return new LearningSet(Vectors, Count, Dimension, Classes, ClassCount, Pairs, readout, readoutDimension);
    }

    /// <summary>
    /// The same rows with each vector cut in two: its first <paramref name="dimension"/> values become the row's vector,
    /// the rest its readout, both multiplied by <paramref name="scale"/> (vectors that carry their readout, <see cref="RegionVectors"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The set already has a readout, or <paramref name="dimension"/> leaves none.</exception>
    public LearningSet SplitReadout(int dimension, float scale)
    {
        if (Readout is not null) throw new ArgumentException("The set already has a readout.", nameof(dimension));
        if (dimension < 1 || dimension >= Dimension) throw new ArgumentException($"Cannot cut {Dimension}-d rows after {dimension} values.", nameof(dimension));
        int rest = Dimension - dimension;
        var vectors = new float[(long)Count * dimension];
        var readout = new float[(long)Count * rest];
        for (int row = 0; row < Count; row++)
        {
            ReadOnlySpan<float> source = Row(row);
            TensorPrimitives.Multiply(source[..dimension], scale, vectors.AsSpan(row * dimension, dimension));
            TensorPrimitives.Multiply(source[dimension..], scale, readout.AsSpan(row * rest, rest));
        }
        return new LearningSet(vectors, Count, dimension, Classes, ClassCount, Pairs, readout, rest);
    }

    /// <exception cref="ArgumentException">Shapes disagree, a class index out of range, or fewer than 2 classes.</exception>
    public static LearningSet FromClasses(float[] vectors, int dimension, int[] classes)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (vectors.Length != (long)classes.Length * dimension) throw new ArgumentException($"Expected {classes.Length}×{dimension} values, got {vectors.Length}.", nameof(vectors));
        int classCount = classes.Length == 0 ? 0 : classes.Max() + 1;
        if (classes.Any(c => c < 0)) throw new ArgumentException("Every row needs a class.", nameof(classes));
        if (classCount < 2) throw new ArgumentException("Learning from classes needs at least 2 classes.", nameof(classes));
        return new LearningSet(vectors, classes.Length, dimension, classes, classCount, []);
    }

    /// <exception cref="ArgumentException">Shapes disagree, a pair index out of range, or no pairs.</exception>
    public static LearningSet FromPairs(float[] vectors, int dimension, IReadOnlyList<(int A, int B)> pairs)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (vectors.Length % dimension != 0) throw new ArgumentException($"{vectors.Length} values are not rows of {dimension}.", nameof(vectors));
        int count = vectors.Length / dimension;
        if (pairs.Count == 0) throw new ArgumentException("Learning from pairs needs at least one pair.", nameof(pairs));
        if (pairs.Any(p => (uint)p.A >= (uint)count || (uint)p.B >= (uint)count || p.A == p.B))
            throw new ArgumentException("A pair names a row out of range, or the same row twice.", nameof(pairs));
        return new LearningSet(vectors, count, dimension, null, 0, pairs);
    }
}
