using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;

namespace Lookalike.Search.USearch;

/// <summary>
/// Approximate search over a USearch HNSW graph, behind the same <see cref="IVectorIndex"/> as the exact scan.
/// Vectors are stored as f32, f16 or i8 (<see cref="IndexSpec.DType"/>); scores are inner products of unit
/// vectors (cosine). Filters are applied during graph traversal, so k results still come back when enough items
/// match. With <see cref="IndexSpec.Rerank"/> the candidates are re-scored with the exact float32 vectors of
/// <see cref="RerankVectors"/> (the store's memory-mapped vector file, owned by this index from construction to
/// <see cref="Dispose"/>). <see cref="SearchRequest.Exact"/> scans every item instead of walking the graph.
/// A graph opened with <see cref="ViewNative(string, string)"/> is the cache file memory-mapped and walked in place by managed code
/// (<see cref="MappedHnswGraph"/>: opening reads no node, searches give USearch's answers — to the bit for i8 and f16, to the
/// last bit of a float sum for f32); the first write copies it
/// into a native index in memory (<see cref="IsView"/> turns false), which serves from then on.
/// Thread-safe: searches share a read lock, writes take a write lock. Dispose frees the native index and the mapping.
/// </summary>
public sealed unsafe class HnswVectorIndex : IVectorIndex
{
    private IndexSpec _spec;
    private readonly RerankVectors? _rerank;
    private readonly HnswKeyMap _keys = new();
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private nint _index;
    private bool _view;
    private MappedHnswGraph? _graph; // the viewed file, searched in place while _view (the native index is then empty)
    private Dictionary<ulong, int>? _slotByKey; // a viewed graph's key → slot, built on the first GetVector that needs it

    /// <param name="dimension">Vector length.</param>
    /// <param name="spec">An <see cref="IndexKind.Hnsw"/> spec.</param>
    /// <param name="rerank">Full-precision vectors for re-ranking, owned by the index from now on (also when this
    /// constructor throws); null disables re-ranking.</param>
    public HnswVectorIndex(int dimension, IndexSpec spec, RerankVectors? rerank = null)
    {
        try
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
            ArgumentNullException.ThrowIfNull(spec);
            if (spec.Kind != IndexKind.Hnsw) throw new ArgumentException($"HnswVectorIndex needs an hnsw spec, not {spec}.", nameof(spec));
            if (rerank is not null && rerank.Dimension != dimension)
                throw new ArgumentException($"Re-ranking vectors are {rerank.Dimension}-d; the index holds {dimension}-d vectors.", nameof(rerank));
        }
        catch
        {
            rerank?.Dispose();
            throw;
        }
        Dimension = dimension;
        _spec = spec;
        _rerank = rerank;
        _index = Create();
    }

    private nint Create()
    {
        var spec = _spec;
        var options = new UsearchNative.InitOptions
        {
            MetricKind = MetricKind.Ip,
            Quantization = spec.DType switch { VectorDType.F16 => ScalarKind.Float16, VectorDType.I8 => ScalarKind.Int8, _ => ScalarKind.Float32 },
            Dimensions = (nuint)Dimension,
            Connectivity = (nuint)spec.M,
            ExpansionAdd = (nuint)spec.EfConstruction,
            ExpansionSearch = (nuint)spec.EfSearch,
        };
        nint index = UsearchNative.usearch_init(ref options, out nint error);
        UsearchErrors.Check(error, "init");
        try
        {
            UsearchNative.usearch_change_threads_add(index, (nuint)Environment.ProcessorCount, out error);
            UsearchErrors.Check(error, "threads");
            UsearchNative.usearch_change_threads_search(index, (nuint)Math.Max(64, Environment.ProcessorCount * 4), out error);
            UsearchErrors.Check(error, "threads");
        }
        catch
        {
            UsearchNative.usearch_free(index, out _);
            throw;
        }
        return index;
    }

    /// <summary>True while the graph is the cache file memory-mapped (opened by <see cref="ViewNative(string, string)"/> and not written since).</summary>
    public bool IsView
    {
        get
        {
            _lock.EnterReadLock();
            try { return _view; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Whether candidates are re-scored with full-precision vectors (the spec asks and vectors were given).</summary>
    public bool Reranks => _spec.Rerank && _rerank is not null;

    public string Spec => _spec.ToString();

    /// <summary>The SIMD kernel USearch uses for this index's distances ("skylake", "haswell", "serial", …), for benchmarks and diagnostics.</summary>
    public string HardwareAcceleration
    {
        get
        {
            if (_graph is not null)
                return $"managed ({ManagedKernel}, {(_spec.DType == VectorDType.F32 ? "float32 sums" : $"sums as {NativeKernel(_index)}")})";
            return NativeKernel(_index);
        }
    }

    private static string NativeKernel(nint index)
    {
        nint text = UsearchNative.usearch_hardware_acceleration(index, out nint error);
        UsearchErrors.Check(error, "hardware acceleration");
        return Marshal.PtrToStringUTF8(text) ?? "unknown";
    }

    private static string ManagedKernel =>
        System.Runtime.Intrinsics.X86.AvxVnni.IsSupported ? "avx-vnni" : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "avx2" : "scalar";

    public IndexSpec IndexSpec => _spec;

    public int Dimension { get; }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try { return _keys.Count; }
            finally { _lock.ExitReadLock(); }
        }
    }

    public long MemoryBytes
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                long native = (long)UsearchNative.usearch_memory_usage(_index, out nint error);
                UsearchErrors.Check(error, "memory usage");
                // + the keys given since opening (+ the re-ranking row map and vectors written since opening; the mapped key file and rows are the page cache's)
                return native + (_graph?.MemoryBytes ?? 0) + _keys.MemoryBytes + (_rerank is null ? 0 : _keys.Count * 24L + _rerank.OverlayCount * (Dimension * 4L + 48));
            }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Changes the search expansion (ef) of later searches; the graph stays as built.</summary>
    public void SetSearchExpansion(int ef)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ef, 1);
        _lock.EnterWriteLock();
        try
        {
            UsearchNative.usearch_change_expansion_search(_index, (nuint)ef, out nint error);
            UsearchErrors.Check(error, "expansion");
            _spec = _spec with { EfSearch = ef };
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>Pre-allocates room for <paramref name="capacity"/> items (avoids re-allocation while building).</summary>
    public void Reserve(int capacity)
    {
        _lock.EnterWriteLock();
        try
        {
            EnsureMutableLocked();
            ReserveLocked((nuint)capacity);
        }
        finally { _lock.ExitWriteLock(); }
    }

    public void Upsert(ItemId id, ReadOnlySpan<float> vector)
    {
        CheckLength(vector);
        _lock.EnterWriteLock();
        try
        {
            EnsureMutableLocked();
            EnsureCapacity(_keys.Count + 1);
            if (_keys.TryGetKey(id, out ulong key))
            {
                UsearchNative.usearch_remove(_index, key, out nint removeError);
                UsearchErrors.Check(removeError, "remove");
            }
            else
            {
                key = _keys.Add(id);
            }
            nint error;
            fixed (float* p = vector) UsearchNative.usearch_add(_index, key, p, ScalarKind.Float32, out error);
            if (error != 0)
            {
                // A failed add must not leave a key without a vector.
                _keys.Remove(id, out _);
                _rerank?.Remove(id);
                UsearchErrors.Check(error, "add");
            }
            _rerank?.Set(id, vector);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>
    /// Adds many new items using all cores (graph insertion is the slow part of building). Ids already present are replaced.
    /// <paramref name="vectors"/> is <c>ids.Count</c>×<see cref="Dimension"/>, row-major.
    /// </summary>
    public void AddRange(IReadOnlyList<ItemId> ids, ReadOnlySpan<float> vectors)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (vectors.Length != ids.Count * Dimension) throw new ArgumentException("vectors must be ids.Count × Dimension.", nameof(vectors));
        var keys = new ulong[ids.Count];
        _lock.EnterWriteLock();
        try
        {
            EnsureMutableLocked();
            EnsureCapacity(_keys.Count + ids.Count);
            for (int i = 0; i < ids.Count; i++)
            {
                if (_keys.TryGetKey(ids[i], out ulong old))
                {
                    UsearchNative.usearch_remove(_index, old, out nint removeError);
                    UsearchErrors.Check(removeError, "remove");
                    keys[i] = old;
                    continue;
                }
                keys[i] = _keys.Add(ids[i]);
            }
            fixed (float* basePtr = vectors)
            {
                nint address = (nint)basePtr;
                string? failure = null;
                Parallel.For(0, ids.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                {
                    UsearchNative.usearch_add(_index, keys[i], (float*)address + (long)i * Dimension, ScalarKind.Float32, out nint error);
                    if (error != 0) failure ??= Marshal.PtrToStringUTF8(error);
                });
                if (failure is not null) throw new InvalidOperationException($"USearch add failed: {failure}");
            }
            if (_rerank is not null)
                for (int i = 0; i < ids.Count; i++) _rerank.Set(ids[i], vectors.Slice(i * Dimension, Dimension));
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool Remove(ItemId id)
    {
        _lock.EnterWriteLock();
        try
        {
            if (!_keys.TryGetKey(id, out _)) return false;
            EnsureMutableLocked();
            _keys.Remove(id, out ulong key);
            _rerank?.Remove(id);
            UsearchNative.usearch_remove(_index, key, out nint error);
            UsearchErrors.Check(error, "remove");
            return true;
        }
        finally { _lock.ExitWriteLock(); }
    }

    public bool Contains(ItemId id)
    {
        _lock.EnterReadLock();
        try { return _keys.TryGetKey(id, out _); }
        finally { _lock.ExitReadLock(); }
    }

    public float[]? GetVector(ItemId id)
    {
        _lock.EnterReadLock();
        try { return _keys.TryGetKey(id, out ulong key) ? GetVectorLocked(key) : null; }
        finally { _lock.ExitReadLock(); }
    }

    public IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, SearchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckLength(query);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(request.K);
        bool rerank = Reranks;
        List<SearchHit> hits;
        _lock.EnterReadLock();
        try
        {
            if (request.Exact) return ScanAll(query, request);
            int wanted = rerank ? Math.Max(request.K * 4, request.K + 16) : request.K;
            wanted = Math.Min(wanted, Math.Max(_keys.Count, 1));
            var keys = new ulong[wanted];
            var distances = new float[wanted];
            int found;
            if (_graph is not null)
                found = _graph.Search(query, wanted, _spec.EfSearch, ManagedFilter(request), keys, distances);
            else
            fixed (float* q = query)
            fixed (ulong* k = keys)
            fixed (float* d = distances)
            {
                nint error;
                if (request.Filter is null && request.Exclude is null)
                {
                    found = (int)UsearchNative.usearch_search(_index, q, ScalarKind.Float32, (nuint)wanted, k, d, out error);
                }
                else
                {
                    var state = new FilterState(this, request.Filter, request.Exclude);
                    var handle = GCHandle.Alloc(state);
                    try
                    {
                        found = (int)UsearchNative.usearch_filtered_search(_index, q, ScalarKind.Float32, (nuint)wanted,
                            &FilterThunk, GCHandle.ToIntPtr(handle), k, d, out error);
                    }
                    finally { handle.Free(); }
                }
                UsearchErrors.Check(error, "search");
            }
            hits = new List<SearchHit>(found);
            for (int i = 0; i < found; i++)
            {
                if (!_keys.TryGetId(keys[i], out var id)) continue;
                float score = 1f - distances[i]; // inner-product distance is 1 − dot
                // Re-scored from memory (the mapped vector file) under the read lock: a few dot products, no I/O.
                if (rerank && _rerank!.TryScore(id, query, out float exact)) score = exact;
                hits.Add(new SearchHit(id, score));
            }
        }
        finally { _lock.ExitReadLock(); }

        if (rerank) hits.Sort((a, b) => b.Score.CompareTo(a.Score));
        return hits.Count > request.K ? hits.GetRange(0, request.K) : hits;
    }

    /// <summary>The managed walk's predicate over keys: what <see cref="FilterThunk"/> admits for the native one.</summary>
    private Func<ulong, bool>? ManagedFilter(SearchRequest request)
    {
        if (request.Filter is { } filter)
        {
            var exclude = request.Exclude;
            return key => _keys.TryGetId(key, out var id) && id != exclude && filter(id);
        }
        if (request.Exclude is { } excluded && _keys.TryGetKey(excluded, out ulong excludedKey)) return key => key != excludedKey;
        return null;
    }

    /// <summary>Many queries at once: independent graph walks spread over every core (searches share the read lock).</summary>
    public IReadOnlyList<SearchHit>[] SearchBatch(ReadOnlySpan<float> queries, int queryCount, SearchRequest request, IReadOnlyList<ItemId?>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfNegative(queryCount);
        if (queries.Length != queryCount * Dimension)
            throw new ArgumentException($"Expected {queryCount}×{Dimension} query values, got {queries.Length}.", nameof(queries));
        if (exclude is not null && exclude.Count != queryCount)
            throw new ArgumentException("exclude must name one item (or null) per query.", nameof(exclude));
        var results = new IReadOnlyList<SearchHit>[queryCount];
        float[] copy = queries.ToArray();
        Parallel.For(0, queryCount, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            results[i] = Search(copy.AsSpan(i * Dimension, Dimension), exclude is null ? request : request with { Exclude = exclude[i] }));
        return results;
    }

    /// <summary>Writes the native index to <paramref name="path"/> (keys only; <see cref="SaveKeys"/> writes which item each key stands for).</summary>
    public void SaveNative(string path)
    {
        _lock.EnterReadLock();
        try
        {
            if (_graph is not null)
            {
                // The viewed bytes are the saved index (the native one is empty until the first write).
                using var output = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
                for (long at = 0; at < _graph.FileBytes; at += 1 << 30)
                    output.Write(new ReadOnlySpan<byte>((byte*)_graph.Pointer + at, (int)Math.Min(1 << 30, _graph.FileBytes - at)));
                return;
            }
            UsearchNative.usearch_save(_index, path, out nint error);
            UsearchErrors.Check(error, "save");
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Writes which item each key stands for to <paramref name="path"/> (an <see cref="HnswKeyFile"/>); returns how many.</summary>
    internal int SaveKeys(string path)
    {
        _lock.EnterReadLock();
        try
        {
            var entries = _keys.Entries().ToList();
            HnswKeyFile.Write(path, entries);
            return entries.Count;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Every (key, id), ascending by key: decodes every id, for whole-catalog walks (a refresh), not for searching.</summary>
    public IReadOnlyList<(ulong Key, ItemId Id)> KeyMap()
    {
        _lock.EnterReadLock();
        try { return _keys.Entries().ToList(); }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>Replaces the contents with a saved native index and its id map (as written by <see cref="SaveNative"/>), read into memory.</summary>
    public void LoadNative(string path, IReadOnlyList<(ulong Key, ItemId Id)> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        OpenNative(path, null, map, view: false);
    }

    /// <summary>Replaces the contents with a saved native index read into memory and the key file saved with it (<see cref="SaveKeys"/>).</summary>
    internal void LoadNative(string path, string keysPath) => OpenNative(path, keysPath, [], view: false);

    /// <summary>
    /// Replaces the contents with a saved native index and the key file saved with it, both memory-mapped in place rather
    /// than read (opening reads no node and decodes no id; pages are read as searches touch them), searched by
    /// <see cref="MappedHnswGraph"/>. The files must not be changed in place while viewed (<see cref="HnswIndexCache"/>
    /// replaces files by rename). The first write copies the graph into a native index in memory.
    /// </summary>
    /// <exception cref="InvalidDataException">The graph file is not one this build reads, or truncated (the message names it).</exception>
    internal void ViewNative(string path, string keysPath) => OpenNative(path, keysPath, [], view: true);

    /// <summary>As <see cref="ViewNative(string, string)"/>, with the id of each key given in memory (benchmarks).</summary>
    public void ViewNative(string path, IReadOnlyList<(ulong Key, ItemId Id)> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        OpenNative(path, null, map, view: true);
    }

    private void OpenNative(string path, string? keysPath, IReadOnlyList<(ulong Key, ItemId Id)> map, bool view)
    {
        _lock.EnterWriteLock();
        try
        {
            nint error;
            if (view)
            {
                // Mapped and walked in place by managed code; the native index stays empty (and cheap) until a write.
                nint fresh = Create();
                MappedHnswGraph graph;
                try { graph = MappedHnswGraph.Open(path, Dimension, NativeKernel(fresh)); }
                catch
                {
                    UsearchNative.usearch_free(fresh, out _);
                    throw;
                }
                ReplaceNative(fresh);
                _graph?.Dispose();
                _graph = graph;
            }
            else
            {
                ReplaceNative(Create());
                _graph?.Dispose();
                _graph = null;
                UsearchNative.usearch_load(_index, path, out error);
                UsearchErrors.Check(error, "load");
            }
            _slotByKey = null;
            _view = view;
            // usearch_load replaces the search expansion with the file's; the spec decides.
            UsearchNative.usearch_change_expansion_search(_index, (nuint)_spec.EfSearch, out error);
            UsearchErrors.Check(error, "expansion");
            _keys.Reset(keysPath is null ? null : HnswKeyFile.Open(keysPath), map);
            long size = _graph?.Count ?? (long)UsearchNative.usearch_size(_index, out error);
            UsearchErrors.Check(error, "size");
            if (size != _keys.Count) throw new InvalidDataException($"Index file {path} holds {size} vectors but its id map {_keys.Count}.");
        }
        finally { _lock.ExitWriteLock(); }
    }

    public void Dispose()
    {
        _lock.EnterWriteLock();
        try
        {
            if (_index != 0)
            {
                UsearchNative.usearch_free(_index, out _);
                _index = 0;
            }
            _graph?.Dispose();
            _graph = null;
            _rerank?.Dispose();
            _keys.Dispose();
        }
        finally { _lock.ExitWriteLock(); }
        _lock.Dispose();
    }

    /// <summary>A viewed graph is read-only: before the first write, copy it into a native index of our own.</summary>
    private void EnsureMutableLocked()
    {
        if (!_view) return;
        var graph = _graph!;
        nint copy = Create();
        try
        {
            // The mapped bytes are the saved index: USearch reads them into memory (the file may have been replaced by now, the mapping not).
            UsearchNative.usearch_load_buffer(copy, graph.Pointer, (nuint)graph.FileBytes, out nint error);
            UsearchErrors.Check(error, "load");
            UsearchNative.usearch_change_expansion_search(copy, (nuint)_spec.EfSearch, out error);
            UsearchErrors.Check(error, "expansion");
        }
        catch
        {
            UsearchNative.usearch_free(copy, out _);
            throw;
        }
        ReplaceNative(copy);
        graph.Dispose();
        _graph = null;
        _slotByKey = null;
        _view = false;
    }

    private void ReplaceNative(nint replacement)
    {
        UsearchNative.usearch_free(_index, out _);
        _index = replacement;
    }

    private List<SearchHit> ScanAll(ReadOnlySpan<float> query, SearchRequest request)
    {
        // The exact answer over the vectors as stored here (identical to ExactVectorIndex for f32).
        var heap = new TopK(request.K);
        var rows = new List<ItemId>(_keys.Count);
        var buffer = new float[Dimension];
        if (_graph is not null)
        {
            ulong[] slotKeys = _graph.ReadKeys();
            for (int slot = 0; slot < slotKeys.Length; slot++)
            {
                if (!_keys.TryGetId(slotKeys[slot], out var id) || request.Exclude == id || (request.Filter is not null && !request.Filter(id))) continue;
                _graph.Decode(slot, buffer);
                float score = VectorMath.Dot(query, buffer);
                if (score > heap.Threshold) heap.Add(score, rows.Count);
                rows.Add(id);
            }
            return heap.DrainSorted().Select(x => new SearchHit(rows[x.Row], x.Score)).ToList();
        }
        foreach (var (key, id) in _keys.Entries())
        {
            if (request.Exclude == id || (request.Filter is not null && !request.Filter(id))) continue;
            fixed (float* b = buffer) UsearchNative.usearch_get(_index, key, 1, b, ScalarKind.Float32, out nint error);
            float score = VectorMath.Dot(query, buffer);
            if (score > heap.Threshold) heap.Add(score, rows.Count);
            rows.Add(id);
        }
        return heap.DrainSorted().Select(x => new SearchHit(rows[x.Row], x.Score)).ToList();
    }

    private float[] GetVectorLocked(ulong key)
    {
        var vector = new float[Dimension];
        if (_graph is not null)
        {
            // The node is found by walking towards the item's full-precision vector when there is one (a few hundred
            // nodes); else, once, one pass over all the nodes' keys (opening reads none).
            if (_rerank is not null && _keys.TryGetId(key, out var id) && _rerank.TryCopyVector(id, vector)
                && _graph.FindSlot(vector, key, _spec.EfSearch) is >= 0 and var near)
            {
                _graph.Decode(near, vector);
                return vector;
            }
            var slots = Volatile.Read(ref _slotByKey);
            if (slots is null)
            {
                ulong[] keys = _graph.ReadKeys();
                slots = new Dictionary<ulong, int>(keys.Length);
                for (int slot = 0; slot < keys.Length; slot++)
                    if (keys[slot] != ulong.MaxValue) slots[keys[slot]] = slot;
                Interlocked.CompareExchange(ref _slotByKey, slots, null);
            }
            if (slots.TryGetValue(key, out int found)) _graph.Decode(found, vector);
            return vector;
        }
        fixed (float* v = vector) UsearchNative.usearch_get(_index, key, 1, v, ScalarKind.Float32, out nint error);
        return vector;
    }

    private void EnsureCapacity(int needed)
    {
        nuint capacity = UsearchNative.usearch_capacity(_index, out nint error);
        UsearchErrors.Check(error, "capacity");
        if ((nuint)needed > capacity) ReserveLocked((nuint)Math.Max(needed, (long)capacity * 2 + 1024));
    }

    private void ReserveLocked(nuint capacity)
    {
        UsearchNative.usearch_reserve(_index, capacity, out nint error);
        UsearchErrors.Check(error, "reserve");
    }

    private void CheckLength(ReadOnlySpan<float> vector)
    {
        if (vector.Length != Dimension)
            throw new ArgumentException($"Vector has {vector.Length} values; the index holds {Dimension}-d vectors.", nameof(vector));
    }

    private sealed record FilterState(HnswVectorIndex Index, Func<ItemId, bool>? Filter, ItemId? Exclude);

    [UnmanagedCallersOnly]
    private static int FilterThunk(ulong key, nint state)
    {
        try
        {
            var filter = (FilterState)GCHandle.FromIntPtr(state).Target!;
            if (!filter.Index._keys.TryGetId(key, out var id)) return 0;
            if (filter.Exclude == id) return 0;
            return filter.Filter is null || filter.Filter(id) ? 1 : 0;
        }
        catch
        {
            // An exception must never unwind through native frames.
            return 0;
        }
    }
}
