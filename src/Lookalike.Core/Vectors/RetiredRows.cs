namespace Lookalike.Core.Vectors;

/// <summary>A set of rows, one bit each, that a row joins once and never leaves. Thread-safe, lock-free.</summary>
public sealed class RetiredRows(int count)
{
    private readonly ulong[] _bits = new ulong[(count + 63) / 64];

    public bool Contains(int row) => (Volatile.Read(ref _bits[row >> 6]) & (1UL << row)) != 0;

    /// <summary>Adds <paramref name="row"/>; true when it was not in the set before (exactly one caller sees true).</summary>
    public bool Add(int row)
    {
        ulong bit = 1UL << row;
        return (Interlocked.Or(ref _bits[row >> 6], bit) & bit) == 0;
    }
}
