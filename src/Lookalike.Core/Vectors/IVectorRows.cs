namespace Lookalike.Core.Vectors;

/// <summary>
/// Read-only float32 rows held outside the managed heap (a store's memory-mapped vector file), read in place.
/// Spans stay valid until the object is disposed; the owner disposes it. Thread-safe.
/// </summary>
public interface IVectorRows : IDisposable
{
    int Dimension { get; }

    /// <summary>Rows readable.</summary>
    long Count { get; }

    /// <summary>Rows <paramref name="first"/> to <paramref name="first"/>+<paramref name="count"/>−1, row-major, in place.</summary>
    ReadOnlySpan<float> Rows(long first, int count);
}
