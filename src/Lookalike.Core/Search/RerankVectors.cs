using Lookalike.Core.Catalog;
using Lookalike.Core.Learning;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Search;

/// <summary>
/// The full-precision vectors an approximate index re-scores its candidates with, read where they lie: the store's
/// memory-mapped vector file (<see cref="StoredVectors"/>), mapped through the learned space when the store has one.
/// A vector written after opening that differs from its mapped row is held in memory (the overlay), so re-ranking
/// never reads the database. Owns the mapping (disposing this unmaps it).
/// Not synchronised: the owning index reads under its read lock and writes under its write lock.
/// </summary>
public sealed class RerankVectors : IDisposable
{
    private readonly StoredVectors _stored;
    private readonly LearnedSpace _space;
    private readonly RetiredRows _retired;
    private readonly Dictionary<ItemId, float[]> _overlay = [];

    /// <param name="stored">The store's vectors; this object owns them from now on.</param>
    /// <param name="space">The space the index searches in (raw rows are mapped through it when scored).</param>
    public RerankVectors(StoredVectors stored, LearnedSpace? space = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _stored = stored;
        _space = space ?? LearnedSpace.Raw;
        Dimension = _space.OutputDimension(stored.Rows.Dimension);
        _retired = new RetiredRows(stored.Ids.Count);
    }

    /// <summary>Length of the vectors scored (the learned space's output dimension).</summary>
    public int Dimension { get; }

    /// <summary>Vectors held in memory because they were written after opening.</summary>
    public int OverlayCount => _overlay.Count;

    /// <summary>The inner product of <paramref name="query"/> with <paramref name="id"/>'s full-precision vector; false when the item is unknown.</summary>
    public bool TryScore(ItemId id, ReadOnlySpan<float> query, out float score)
    {
        if (_overlay.TryGetValue(id, out var held))
        {
            score = VectorMath.Dot(query, held);
            return true;
        }
        if (!TryGetRow(id, out int row))
        {
            score = 0;
            return false;
        }
        var raw = _stored.Rows.Rows(row, 1);
        if (_space.Projection is null)
        {
            score = VectorMath.Dot(query, raw);
            return true;
        }
        Span<float> mapped = Dimension <= 1024 ? stackalloc float[Dimension] : new float[Dimension];
        _space.Map(raw, mapped);
        score = VectorMath.Dot(query, mapped);
        return true;
    }

    /// <summary>Copies <paramref name="id"/>'s full-precision vector (in the index's space) to <paramref name="output"/>; false when the item is unknown.</summary>
    public bool TryCopyVector(ItemId id, Span<float> output)
    {
        if (_overlay.TryGetValue(id, out var held))
        {
            held.CopyTo(output);
            return true;
        }
        if (!TryGetRow(id, out int row)) return false;
        var raw = _stored.Rows.Rows(row, 1);
        if (_space.Projection is null) raw.CopyTo(output);
        else _space.Map(raw, output);
        return true;
    }

    /// <summary>Records <paramref name="id"/>'s vector (in the index's space) as written now; kept in memory only when it differs from the mapped row.</summary>
    public void Set(ItemId id, ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension) throw new ArgumentException($"Vector has {vector.Length} values; re-ranking holds {Dimension}-d vectors.", nameof(vector));
        if (TryGetRow(id, out int row))
        {
            if (MatchesRow(row, vector))
            {
                _overlay.Remove(id);
                return;
            }
            _retired.Add(row);
        }
        _overlay[id] = vector.ToArray();
    }

    public void Remove(ItemId id)
    {
        if (TryGetRow(id, out int row)) _retired.Add(row);
        _overlay.Remove(id);
    }

    public void Dispose() => _stored.Dispose();

    /// <summary>The snapshot row of <paramref name="id"/>, unless an edit retired it.</summary>
    private bool TryGetRow(ItemId id, out int row) => _stored.Ids.TryGetRow(id, out row) && !_retired.Contains(row);

    private bool MatchesRow(int row, ReadOnlySpan<float> vector)
    {
        var raw = _stored.Rows.Rows(row, 1);
        if (_space.Projection is null) return raw.SequenceEqual(vector);
        Span<float> mapped = Dimension <= 1024 ? stackalloc float[Dimension] : new float[Dimension];
        _space.Map(raw, mapped);
        return mapped.SequenceEqual(vector);
    }
}
