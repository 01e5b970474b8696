namespace Lookalike.Core.Vectors;

/// <summary>
/// Rows held in a managed array, row-major, behind the same <see cref="IVectorRows"/> a store's mapped vector file
/// offers: for benchmarks and tests that hand an index vectors already in memory. Disposing does nothing.
/// </summary>
public sealed class ArrayVectorRows : IVectorRows
{
    private readonly float[] _data;

    public ArrayVectorRows(float[] data, int dimension)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (data.Length % dimension != 0) throw new ArgumentException($"{data.Length} values are not whole {dimension}-d rows.", nameof(data));
        _data = data;
        Dimension = dimension;
    }

    public int Dimension { get; }

    public long Count => _data.Length / Dimension;

    public ReadOnlySpan<float> Rows(long first, int count) => _data.AsSpan(checked((int)first * Dimension), checked(count * Dimension));

    public void Dispose()
    {
    }
}
