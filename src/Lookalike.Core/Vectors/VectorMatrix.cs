namespace Lookalike.Core.Vectors;

/// <summary>
/// A growable row-major N×D float32 matrix in one contiguous array: the layout every scan and export uses.
/// Not thread-safe for writes; readers may share it when no writer runs.
/// </summary>
public sealed class VectorMatrix
{
    private float[] _data;

    public VectorMatrix(int dimension, int capacityRows = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegative(capacityRows);
        Dimension = dimension;
        _data = new float[checked(dimension * Math.Max(capacityRows, 1))];
    }

    public int Dimension { get; }

    public int Rows { get; private set; }

    /// <summary>The used part of the matrix, <c>Rows*Dimension</c> floats, row-major.</summary>
    public ReadOnlySpan<float> Data => _data.AsSpan(0, Rows * Dimension);

    public ReadOnlySpan<float> Row(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Rows, nameof(row));
        return _data.AsSpan(row * Dimension, Dimension);
    }

    /// <summary>Appends a row and returns its index.</summary>
    public int Add(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension)
            throw new ArgumentException($"Vector has {vector.Length} values; the matrix holds {Dimension}.", nameof(vector));
        long needed = (long)(Rows + 1) * Dimension;
        if (needed > _data.Length)
        {
            long grown = Math.Max(needed, (long)_data.Length * 2);
            Array.Resize(ref _data, (int)Math.Min(grown, Array.MaxLength));
        }
        vector.CopyTo(_data.AsSpan(Rows * Dimension, Dimension));
        return Rows++;
    }

    /// <summary>Overwrites a row.</summary>
    public void Set(int row, ReadOnlySpan<float> vector)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Rows, nameof(row));
        if (vector.Length != Dimension)
            throw new ArgumentException($"Vector has {vector.Length} values; the matrix holds {Dimension}.", nameof(vector));
        vector.CopyTo(_data.AsSpan(row * Dimension, Dimension));
    }

    /// <summary>Removes a row by moving the last row into its place (O(D)); returns the index of the row that moved, or -1.</summary>
    public int RemoveSwapLast(int row)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)row, (uint)Rows, nameof(row));
        int last = Rows - 1;
        if (row != last)
            _data.AsSpan(last * Dimension, Dimension).CopyTo(_data.AsSpan(row * Dimension, Dimension));
        Rows--;
        return row != last ? last : -1;
    }
}
