using Lookalike.Core.Catalog;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Search;

/// <summary>
/// Brute-force search: one dot product per item over a contiguous N×D matrix, top-k in a bounded heap.
/// O(N·D) per query, exact, and the oracle every approximate index is tested against. Never builds an N×N matrix.
/// </summary>
public sealed class ExactVectorIndex : IVectorIndex
{
    private readonly VectorMatrix _matrix;
    private readonly List<ItemId> _ids = [];
    private readonly Dictionary<ItemId, int> _rows = [];
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    public ExactVectorIndex(int dimension, int capacity = 0)
    {
        _matrix = new VectorMatrix(dimension, capacity);
    }

    public string Spec => "exact";

    public int Dimension => _matrix.Dimension;

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _ids.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public void Upsert(ItemId id, ReadOnlySpan<float> vector)
    {
        CheckLength(vector);
        _lock.EnterWriteLock();
        try
        {
            if (_rows.TryGetValue(id, out int row))
            {
                _matrix.Set(row, vector);
            }
            else
            {
                _rows[id] = _matrix.Add(vector);
                _ids.Add(id);
            }
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool Remove(ItemId id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_rows.Remove(id, out int row)) return false;
            int moved = _matrix.RemoveSwapLast(row);
            int last = _ids.Count - 1;
            if (moved >= 0)
            {
                _ids[row] = _ids[last];
                _rows[_ids[row]] = row;
            }
            _ids.RemoveAt(last);
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool Contains(ItemId id)
    {
        _lock.EnterReadLock();
        try { return _rows.ContainsKey(id); }
        finally { _lock.ExitReadLock(); }
    }

    public float[]? GetVector(ItemId id)
    {
        _lock.EnterReadLock();
        try { return _rows.TryGetValue(id, out int row) ? _matrix.Row(row).ToArray() : null; }
        finally { _lock.ExitReadLock(); }
    }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckLength(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.K);
        _lock.EnterReadLock();
        try
        {
            var heap = new TopK(request.K);
            int excluded = request.Exclude is { } ex && _rows.TryGetValue(ex, out int exRow) ? exRow : -1;
            var filter = request.Filter;
            int dimension = _matrix.Dimension;
            ReadOnlySpan<float> data = _matrix.Data;
            for (int row = 0, offset = 0; row < _ids.Count; row++, offset += dimension)
            {
                if (row == excluded) continue;
                if (filter is not null && !filter(_ids[row])) continue;
                float score = VectorMath.Dot(query, data.Slice(offset, dimension));
                if (score > heap.Threshold) heap.Add(score, row);
            }
            var best = heap.DrainSorted();
            var hits = new SearchHit[best.Length];
            for (int i = 0; i < best.Length; i++) hits[i] = new SearchHit(_ids[best[i].Row], best[i].Score);
            return hits;
        }
        finally { _lock.ExitReadLock(); }
    }

    public void Dispose() => _lock.Dispose();

    private void CheckLength(ReadOnlySpan<float> vector)
    {
        if (vector.Length != _matrix.Dimension)
            throw new ArgumentException($"Vector has {vector.Length} values; the index holds {_matrix.Dimension}-d vectors.", nameof(vector));
    }
}
