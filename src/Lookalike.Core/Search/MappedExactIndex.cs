using Lookalike.Core.Catalog;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Search;

/// <summary>
/// Brute-force search over a store's vectors where they lie (<see cref="StoredVectors"/>: the memory-mapped vector file),
/// so opening it reads no vector at all; each query streams the mapped rows through the same dot product as
/// <see cref="ExactVectorIndex"/> and returns the same answers. Rows no item refers to are skipped. Items written after
/// it was opened go to an in-memory overlay (an <see cref="ExactVectorIndex"/>) and their mapped rows are skipped from
/// then on. Owns <see cref="StoredVectors"/> (disposing the index unmaps it). Thread-safe.
/// </summary>
public sealed class MappedExactIndex : IVectorIndex
{
    /// <summary>Rows per span handed out by the mapping (a span must stay under 2³¹ floats).</summary>
    private const int ChunkRows = 8192;

    private readonly StoredVectors _stored;
    private readonly ItemId?[] _ids;
    private readonly Dictionary<ItemId, int> _rowOf;
    private readonly ExactVectorIndex _overlay;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    public MappedExactIndex(StoredVectors stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.IdsByRow.Length != stored.Rows.Count)
            throw new ArgumentException($"{stored.IdsByRow.Length} ids for {stored.Rows.Count} rows.", nameof(stored));
        _stored = stored;
        _ids = (ItemId?[])stored.IdsByRow.Clone();
        _rowOf = new Dictionary<ItemId, int>(_ids.Length);
        for (int row = 0; row < _ids.Length; row++)
        {
            if (_ids[row] is { } id && !_rowOf.TryAdd(id, row))
                throw new ArgumentException($"Item '{id}' has two rows ({_rowOf[id]} and {row}).", nameof(stored));
        }
        _overlay = new ExactVectorIndex(stored.Rows.Dimension);
    }

    /// <summary>Threads a single search may use; default all cores.</summary>
    public int MaxThreads { get; set; } = Environment.ProcessorCount;

    public string Spec => "exact";

    public int Dimension => _stored.Rows.Dimension;

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _rowOf.Count + _overlay.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Managed bytes (row → id bookkeeping and the overlay); the mapped rows are the page cache's, shared and evictable.</summary>
    public long MemoryBytes
    {
        get
        {
            _lock.EnterReadLock();
            try { return (long)_ids.Length * IntPtr.Size + (long)_rowOf.Count * 24 + _overlay.MemoryBytes; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public void Upsert(ItemId id, ReadOnlySpan<float> vector)
    {
        _lock.EnterWriteLock();
        try
        {
            _overlay.Upsert(id, vector);
            if (_rowOf.Remove(id, out int row)) _ids[row] = null;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool Remove(ItemId id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (_rowOf.Remove(id, out int row))
            {
                _ids[row] = null;
                return true;
            }
            return _overlay.Remove(id);
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool Contains(ItemId id)
    {
        _lock.EnterReadLock();
        try { return _rowOf.ContainsKey(id) || _overlay.Contains(id); }
        finally { _lock.ExitReadLock(); }
    }

    public float[]? GetVector(ItemId id)
    {
        _lock.EnterReadLock();
        try { return _rowOf.TryGetValue(id, out int row) ? _stored.Rows.Rows(row, 1).ToArray() : _overlay.GetVector(id); }
        finally { _lock.ExitReadLock(); }
    }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (query.Length != Dimension)
            throw new ArgumentException($"Vector has {query.Length} values; the index holds {Dimension}-d vectors.", nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.K);
        _lock.EnterReadLock();
        try
        {
            int n = _ids.Length;
            int excluded = request.Exclude is { } ex && _rowOf.TryGetValue(ex, out int exRow) ? exRow : -1;
            var heap = SlicedScan.Run(query, n, request.K, MaxThreads, (q, from, to, h) => ScanRows(q, from, to, excluded, request.Filter, h));
            var best = heap.DrainSorted();
            var hits = new List<SearchHit>(best.Length + request.K);
            foreach (var (score, row) in best) hits.Add(new SearchHit(_ids[row]!.Value, score));
            if (_overlay.Count == 0) return hits;
            hits.AddRange(_overlay.Search(query, request));
            hits.Sort((a, b) => b.Score.CompareTo(a.Score));
            return hits.Count <= request.K ? hits : hits.GetRange(0, request.K);
        }
        finally { _lock.ExitReadLock(); }
    }

    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            _stored.Dispose();
            _overlay.Dispose();
        }
        finally { _lock.ExitWriteLock(); }
        _lock.Dispose();
    }

    private void ScanRows(ReadOnlySpan<float> query, int from, int to, int excluded, Func<ItemId, bool>? filter, TopK heap)
    {
        int dimension = Dimension;
        for (int first = from; first < to; first += ChunkRows)
        {
            int rows = Math.Min(ChunkRows, to - first);
            var data = _stored.Rows.Rows(first, rows);
            for (int i = 0, offset = 0; i < rows; i++, offset += dimension)
            {
                float score = VectorMath.Dot(query, data.Slice(offset, dimension));
                if (score <= heap.Threshold) continue;
                // Liveness, exclusion and the filter are checked only for rows good enough to enter the heap.
                int row = first + i;
                if (row == excluded || _ids[row] is not { } id || (filter is not null && !filter(id))) continue;
                heap.Add(score, row);
            }
        }
    }
}
