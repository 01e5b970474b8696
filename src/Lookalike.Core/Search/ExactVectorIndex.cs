using System.Numerics;
using System.Runtime.InteropServices;
using Lookalike.Core.Catalog;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Search;

/// <summary>
/// Brute-force search: one dot product per item over a contiguous N×D matrix, top-k in a bounded heap.
/// O(N·D) per query, exact, and the oracle every approximate index is tested against. Never builds an N×N matrix.
/// Large catalogs are scanned in row blocks on all cores; batches of queries run as a register-blocked
/// matrix–matrix product, so each row block read from memory serves many queries.
/// </summary>
public sealed class ExactVectorIndex : IVectorIndex
{
    /// <summary>Rows from which one query's scan is split across cores (below, thread hand-off costs more than it saves).</summary>
    public const int ParallelScanThreshold = 32_768;

    private readonly VectorMatrix _matrix;
    private readonly List<ItemId> _ids = [];
    private readonly Dictionary<ItemId, int> _rows = [];
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    public ExactVectorIndex(int dimension, int capacity = 0)
    {
        _matrix = new VectorMatrix(dimension, capacity);
    }

    /// <summary>Threads a single search or a batch may use; default all cores.</summary>
    public int MaxThreads { get; set; } = Environment.ProcessorCount;

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

    public long MemoryBytes
    {
        get
        {
            _lock.EnterReadLock();
            try { return (long)_ids.Count * (_matrix.Dimension * sizeof(float) + 64); }
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
            int n = _ids.Count;
            int excluded = request.Exclude is { } ex && _rows.TryGetValue(ex, out int exRow) ? exRow : -1;
            var heap = SlicedScan.Run(query, n, request.K, MaxThreads, (q, from, to, h) => ScanRows(q, from, to, excluded, request.Filter, h));
            return ToHits(heap.DrainSorted());
        }
        finally { _lock.ExitReadLock(); }
    }

    public IReadOnlyList<SearchHit>[] SearchBatch(ReadOnlySpan<float> queries, int queryCount, SearchRequest request, IReadOnlyList<ItemId?>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(queryCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.K);
        int dimension = _matrix.Dimension;
        if (queries.Length != queryCount * dimension)
            throw new ArgumentException($"Expected {queryCount}×{dimension} query values, got {queries.Length}.", nameof(queries));
        if (exclude is not null && exclude.Count != queryCount)
            throw new ArgumentException("exclude must name one item (or null) per query.", nameof(exclude));
        _lock.EnterReadLock();
        try
        {
            int n = _ids.Count;
            bool[]? allowed = null;
            if (request.Filter is { } filter)
            {
                allowed = new bool[n];
                for (int row = 0; row < n; row++) allowed[row] = filter(_ids[row]);
            }
            var excluded = new int[queryCount];
            for (int q = 0; q < queryCount; q++)
                excluded[q] = exclude?[q] is { } ex && _rows.TryGetValue(ex, out int exRow) ? exRow : -1;
            float[] queryCopy = queries.ToArray();
            var heaps = PackedBatchScan.RunOnCores(queryCopy, queryCount, request.K, n, dimension, MaxThreads,
                (first, count) => _matrix.Data.Slice(first * dimension, count * dimension),
                (query, row) => row != excluded[query] && (allowed is null || allowed[row]));

            var results = new IReadOnlyList<SearchHit>[queryCount];
            for (int q = 0; q < queryCount; q++)
                results[q] = ToHits(PackedBatchScan.Rescored(heaps[q], queryCopy.AsSpan(q * dimension, dimension),
                    (first, count) => _matrix.Data.Slice(first * dimension, count * dimension)));
            return results;
        }
        finally { _lock.ExitReadLock(); }
    }

    public void Dispose() => _lock.Dispose();

    private void ScanRows(ReadOnlySpan<float> query, int from, int to, int excluded, Func<ItemId, bool>? filter, TopK heap)
    {
        int dimension = _matrix.Dimension;
        ReadOnlySpan<float> data = _matrix.Data;
        for (int row = from, offset = from * dimension; row < to; row++, offset += dimension)
        {
            float score = VectorMath.Dot(query, data.Slice(offset, dimension));
            if (score > heap.Threshold) Offer(row, score, excluded, filter, heap);
        }
    }

    // Exclusion and filter are checked only for rows good enough to enter the heap, so a filter costs nothing per row.
    private void Offer(int row, float score, int excluded, Func<ItemId, bool>? filter, TopK heap)
    {
        if (row == excluded || (filter is not null && !filter(_ids[row]))) return;
        heap.Add(score, row);
    }

    private SearchHit[] ToHits((float Score, int Row)[] best)
    {
        var hits = new SearchHit[best.Length];
        for (int i = 0; i < best.Length; i++) hits[i] = new SearchHit(_ids[best[i].Row], best[i].Score);
        return hits;
    }

    private void CheckLength(ReadOnlySpan<float> vector)
    {
        if (vector.Length != _matrix.Dimension)
            throw new ArgumentException($"Vector has {vector.Length} values; the index holds {_matrix.Dimension}-d vectors.", nameof(vector));
    }
}
