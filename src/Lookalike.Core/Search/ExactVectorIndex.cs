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

    // Rows per cache block in batch search: 256 rows × 512 dims × 4 bytes = 512 KiB, about the L2 of one core.
    private const int BatchRowBlock = 256;

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
            int parts = n >= ParallelScanThreshold ? Math.Clamp(MaxThreads, 1, Environment.ProcessorCount) : 1;
            TopK heap;
            if (parts == 1)
            {
                heap = new TopK(request.K);
                ScanRows(query, 0, n, excluded, request.Filter, heap);
            }
            else
            {
                // Each core scans a contiguous slice into its own heap; the heaps are merged after.
                var heaps = new TopK[parts];
                float[] queryCopy = query.ToArray();
                Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, part =>
                {
                    int from = (int)((long)n * part / parts), to = (int)((long)n * (part + 1) / parts);
                    heaps[part] = new TopK(request.K);
                    ScanRows(queryCopy, from, to, excluded, request.Filter, heaps[part]);
                });
                heap = new TopK(request.K);
                foreach (var partial in heaps)
                    foreach (var (score, row) in partial.DrainSorted()) heap.Add(score, row);
            }
            return ToHits(heap);
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
            var heaps = new TopK[queryCount];
            for (int q = 0; q < queryCount; q++) heaps[q] = new TopK(request.K);
            float[] queryCopy = queries.ToArray();

            // Queries are split across cores in groups of 4 (one register tile); every core streams all rows.
            int groups = (queryCount + 3) / 4;
            int threads = Math.Clamp(Math.Min(MaxThreads, groups), 1, Environment.ProcessorCount);
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int fromGroup = (int)((long)groups * t / threads), toGroup = (int)((long)groups * (t + 1) / threads);
                BatchScan(queryCopy, queryCount, fromGroup * 4, Math.Min(toGroup * 4, queryCount), n, allowed, excluded, heaps);
            });

            var results = new IReadOnlyList<SearchHit>[queryCount];
            for (int q = 0; q < queryCount; q++) results[q] = ToHits(heaps[q]);
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
            if (row == excluded) continue;
            if (filter is not null && !filter(_ids[row])) continue;
            float score = VectorMath.Dot(query, data.Slice(offset, dimension));
            if (score > heap.Threshold) heap.Add(score, row);
        }
    }

    private unsafe void BatchScan(float[] queries, int queryCount, int fromQuery, int toQuery, int n, bool[]? allowed, int[] excluded, TopK[] heaps)
    {
        if (fromQuery >= toQuery || n == 0) return;
        int dimension = _matrix.Dimension;
        float* scores = stackalloc float[16];
        fixed (float* qBase = queries)
        fixed (float* xBase = _matrix.Data)
        {
            for (int blockStart = 0; blockStart < n; blockStart += BatchRowBlock)
            {
                int blockEnd = Math.Min(n, blockStart + BatchRowBlock);
                for (int q = fromQuery; q < toQuery; q += 4)
                {
                    int qn = Math.Min(4, toQuery - q);
                    // A partial tile repeats its last query; the repeated scores are ignored.
                    float* q0 = qBase + (long)q * dimension;
                    float* q1 = qBase + (long)(q + Math.Min(1, qn - 1)) * dimension;
                    float* q2 = qBase + (long)(q + Math.Min(2, qn - 1)) * dimension;
                    float* q3 = qBase + (long)(q + Math.Min(3, qn - 1)) * dimension;
                    for (int r = blockStart; r < blockEnd; r += 4)
                    {
                        int rn = Math.Min(4, blockEnd - r);
                        float* r0 = xBase + (long)r * dimension;
                        float* r1 = xBase + (long)(r + Math.Min(1, rn - 1)) * dimension;
                        float* r2 = xBase + (long)(r + Math.Min(2, rn - 1)) * dimension;
                        float* r3 = xBase + (long)(r + Math.Min(3, rn - 1)) * dimension;
                        DotKernels.Dot4x4(q0, q1, q2, q3, r0, r1, r2, r3, dimension, scores);
                        for (int i = 0; i < qn; i++)
                        {
                            var heap = heaps[q + i];
                            int skip = excluded[q + i];
                            for (int j = 0; j < rn; j++)
                            {
                                int row = r + j;
                                float score = scores[4 * i + j];
                                if (score > heap.Threshold && row != skip && (allowed is null || allowed[row])) heap.Add(score, row);
                            }
                        }
                    }
                }
            }
        }
    }

    private SearchHit[] ToHits(TopK heap)
    {
        var best = heap.DrainSorted();
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
