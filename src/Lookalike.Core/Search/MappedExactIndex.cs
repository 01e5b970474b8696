using Lookalike.Core.Catalog;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Search;

/// <summary>
/// Brute-force search over a store's vectors where they lie (<see cref="StoredVectors"/>: the memory-mapped vector file),
/// so opening it reads no vector and no id: which rows are live comes with the snapshot, and a row's id is decoded only
/// when the row is good enough to enter a query's top k (<see cref="IRowIds"/>). Each query streams the mapped rows
/// through the same dot product as <see cref="ExactVectorIndex"/> and returns the same answers. Items written after it
/// was opened go to an in-memory overlay (an <see cref="ExactVectorIndex"/>) and their mapped rows are retired from then
/// on, as are rows whose item another writer removed or moved. Owns <see cref="StoredVectors"/> (disposing the index
/// unmaps it). Thread-safe.
/// </summary>
public sealed class MappedExactIndex : IVectorIndex
{
    /// <summary>Rows per span handed out by the mapping (a span must stay under 2³¹ floats).</summary>
    private const int ChunkRows = 8192;

    private readonly StoredVectors _stored;
    private readonly IRowIds _ids;
    private readonly RetiredRows _retired;
    private readonly ExactVectorIndex _overlay;
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private int _mappedLive;

    public MappedExactIndex(StoredVectors stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _stored = stored;
        _ids = stored.Ids;
        _retired = new RetiredRows(_ids.Count);
        _mappedLive = _ids.LiveCount;
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
            try { return Volatile.Read(ref _mappedLive) + _overlay.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Managed bytes of the overlay and the retired-row bits; the mapped rows are the page cache's, shared and evictable.</summary>
    public long MemoryBytes
    {
        get
        {
            _lock.EnterReadLock();
            try { return _ids.Count / 8 + _overlay.MemoryBytes; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public void Upsert(ItemId id, ReadOnlySpan<float> vector)
    {
        _lock.EnterWriteLock();
        try
        {
            _overlay.Upsert(id, vector);
            if (_ids.TryGetRow(id, out int row)) Retire(row);
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool Remove(ItemId id)
    {
        _lock.EnterWriteLock();
        try
        {
            bool mapped = _ids.TryGetRow(id, out int row) && Retire(row);
            return _overlay.Remove(id) | mapped;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool Contains(ItemId id)
    {
        _lock.EnterReadLock();
        try { return _overlay.Contains(id) || MappedRow(id) is not null; }
        finally { _lock.ExitReadLock(); }
    }

    public float[]? GetVector(ItemId id)
    {
        _lock.EnterReadLock();
        try
        {
            if (_overlay.GetVector(id) is { } held) return held;
            return MappedRow(id) is { } row ? _stored.Rows.Rows(row, 1).ToArray() : null;
        }
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
            int n = _ids.Count;
            var heap = SlicedScan.Run(query, n, request.K, MaxThreads, (q, from, to, h) => ScanRows(q, from, to, request.Exclude, request.Filter, h));
            var best = heap.DrainSorted();
            var hits = new List<SearchHit>(best.Length + request.K);
            // Every row in the heap was decoded by the scan (and stays cached), so this finds each id.
            foreach (var (score, row) in best)
                if (_ids.TryGetId(row, out var id)) hits.Add(new SearchHit(id, score));
            if (_overlay.Count == 0) return hits;
            hits.AddRange(_overlay.Search(query, request));
            hits.Sort((a, b) => b.Score.CompareTo(a.Score));
            return hits.Count <= request.K ? hits : hits.GetRange(0, request.K);
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// Many queries in one pass over the mapped rows, as a packed matrix product (<see cref="PackedBatchScan"/>): the
    /// same answers as <see cref="Search"/> per query, but the file is read once per core for the whole batch instead
    /// of once per query — what makes an exact answer for a thousand queries over ten million rows affordable.
    /// </summary>
    public IReadOnlyList<SearchHit>[] SearchBatch(ReadOnlySpan<float> queries, int queryCount, SearchRequest request, IReadOnlyList<ItemId?>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(queryCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.K);
        int dimension = Dimension;
        if (queries.Length != queryCount * dimension)
            throw new ArgumentException($"Expected {queryCount}×{dimension} query values, got {queries.Length}.", nameof(queries));
        if (exclude is not null && exclude.Count != queryCount)
            throw new ArgumentException("exclude must name one item (or null) per query.", nameof(exclude));
        var excluded = new ItemId?[queryCount];
        for (int q = 0; q < queryCount; q++) excluded[q] = exclude?[q] ?? request.Exclude;
        float[] queryCopy = queries.ToArray();
        _lock.EnterReadLock();
        try
        {
            int n = _ids.Count;
            var heaps = PackedBatchScan.RunOnCores(queryCopy, queryCount, request.K, n, dimension, MaxThreads,
                (first, count) => _stored.Rows.Rows(first, count),
                // As in a single search: liveness, the id, exclusion and the filter only for rows good enough to enter a heap.
                (query, row) => IsCurrent(row, out var id) && id != excluded[query] && (request.Filter is null || request.Filter(id)));

            var results = new IReadOnlyList<SearchHit>[queryCount];
            for (int q = 0; q < queryCount; q++)
            {
                var hits = new List<SearchHit>(request.K);
                foreach (var (score, row) in PackedBatchScan.Rescored(heaps[q], queryCopy.AsSpan(q * dimension, dimension), (first, count) => _stored.Rows.Rows(first, count)))
                    if (_ids.TryGetId(row, out var id)) hits.Add(new SearchHit(id, score));
                if (_overlay.Count > 0)
                {
                    hits.AddRange(_overlay.Search(queryCopy.AsSpan(q * dimension, dimension), request with { Exclude = excluded[q] }));
                    hits.Sort((a, b) => b.Score.CompareTo(a.Score));
                    if (hits.Count > request.K) hits.RemoveRange(request.K, hits.Count - request.K);
                }
                results[q] = hits;
            }
            return results;
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

    /// <summary>
    /// The row <paramref name="id"/> had in the snapshot, unless an edit since retired it. Another writer's changes are
    /// not consulted: the index holds the snapshot plus its own edits, as <see cref="Count"/> and <see cref="Contains"/> say.
    /// </summary>
    private int? MappedRow(ItemId id) => _ids.TryGetRow(id, out int row) && !_retired.Contains(row) ? row : null;

    /// <summary>
    /// Whether <paramref name="row"/> is searchable, and its item: live in the snapshot, not retired by an edit, and its
    /// id confirmed (a row whose item another writer removed or moved since is skipped, never given a guessed id).
    /// </summary>
    private bool IsCurrent(int row, out ItemId id)
    {
        id = default;
        return _ids.IsLive(row) && !_retired.Contains(row) && _ids.TryGetId(row, out id);
    }

    private bool Retire(int row)
    {
        if (!_ids.IsLive(row) || !_retired.Add(row)) return false;
        Interlocked.Decrement(ref _mappedLive);
        return true;
    }

    private void ScanRows(ReadOnlySpan<float> query, int from, int to, ItemId? excluded, Func<ItemId, bool>? filter, TopK heap)
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
                // Liveness, the id, exclusion and the filter are looked at only for rows good enough to enter the heap.
                int row = first + i;
                if (!IsCurrent(row, out var id) || id == excluded || (filter is not null && !filter(id))) continue;
                heap.Add(score, row);
            }
        }
    }
}
