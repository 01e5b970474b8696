using Lookalike.Core.Catalog;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.Search.USearch;

namespace Lookalike.Hosting.Search;

/// <summary>
/// Builds the <see cref="IVectorIndex"/> for a store: exact over the store's mapped vector file (or, through a learned
/// projection, over mapped copies in memory), or HNSW from its cache (memory-mapped when current, refreshed
/// incrementally by store generation when stale) or rebuilt from the store when the cache is missing or corrupt; HNSW
/// re-ranking reads the mapped vector file too.
/// When the store has a learned projection (<c>lookalike learn</c>), the index holds every raw vector mapped through it,
/// and the HNSW cache is keyed by it, so a new or dropped projection rebuilds the graph.
/// </summary>
public static class VectorIndexLoader
{
    /// <summary>Items per batch while building HNSW (reads from SQLite overlap nothing; inserts use all cores).</summary>
    private const int BuildBatch = 4096;

    /// <summary>
    /// Builds (or refreshes) and caches the HNSW graph <paramref name="spec"/> resolves to, so the first query does not wait
    /// for it. For a store served by the exact index nothing is built, but its vectors are opened once, so a store that
    /// keeps derived files of them (the SQLite store's row-id file, and a learned space's mapped rows) writes them now
    /// and the next open reads no item row and maps nothing.
    /// </summary>
    /// <returns>A one-line description of the index (spec, items, bytes per item), or null when nothing was built.</returns>
    public static string? Prebuild(ICatalogStore store, IndexSpec spec, Action<string>? log = null, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(spec);
        var resolved = Resolve(spec, store.GetInfo());
        if (resolved.Kind != IndexKind.Hnsw)
        {
            Load(store, resolved).Dispose();
            return null;
        }
        using var index = Load(store, spec, log, progress); // auto stays auto: a graph it builds gets a calibrated ef
        return $"index {index.Spec}: {index.Count:N0} items, {index.MemoryBytes / (double)Math.Max(1, index.Count):N0} bytes per item in memory";
    }

    /// <summary>What <paramref name="spec"/> means for this store: <c>auto</c> by its size, dimension and this machine's memory.</summary>
    public static IndexSpec Resolve(IndexSpec spec, StoreInfo info)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(info);
        return spec.Resolve(info.Items, info.Dimension, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
    }

    /// <param name="store">The source of truth.</param>
    /// <param name="spec">Index to build; <see cref="IndexKind.Auto"/> picks by item count, and above the threshold reuses the
    /// spec of an existing HNSW cache (so a store indexed with <c>hnsw(dtype=f16)</c> is served with it); when it has to
    /// build the graph, it picks ef for recall@10 ≥ <see cref="HnswCalibration.DefaultTarget"/> by measurement
    /// (<see cref="HnswCalibration"/>) and the cache keeps that ef.</param>
    /// <param name="log">Receives one-line messages (cache used, rebuilt and why).</param>
    /// <param name="progress">Receives (items done, total) while building.</param>
    public static IVectorIndex Load(ICatalogStore store, IndexSpec spec, Action<string>? log = null, IProgress<(int Done, int Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(spec);
        var info = store.GetInfo();
        var projection = store.GetProjection();
        if (projection is not null && info.Dimension > 0 && projection.Projection.InputDimension != info.Dimension)
            throw new Core.Errors.LookalikeException(Core.Errors.LookalikeErrorKind.StoreCorrupt,
                $"Store {store.Location} holds {info.Dimension}-d vectors but its learned projection takes {projection.Projection.InputDimension}-d. Run 'lookalike learn --drop', then learn again.", store.Location);
        var space = new LearnedSpace(projection?.Projection);
        int dimension = projection?.Projection.OutputDimension ?? Math.Max(info.Dimension, 1);
        string? projectionKey = projection?.Key;
        var resolved = Resolve(spec, info);
        bool calibrate = spec.Kind == IndexKind.Auto;
        // Auto over a large store means "the HNSW it was indexed with" (index --index …), not a rebuild to the default.
        if (spec.Kind == IndexKind.Auto && resolved.Kind == IndexKind.Hnsw && HnswIndexCache.CachedSpec(store.Location) is { Kind: IndexKind.Hnsw } cached)
            resolved = cached;
        if (resolved.Kind == IndexKind.Exact)
        {
            // Raw vectors are scanned where they lie, in the store's mapped vector file: opening reads none of them. A
            // learned space scans the store's copy of its rows mapped (rows written since the copy was made are mapped
            // now); a store that cannot keep that copy maps every item into memory below.
            var stored = projection is null ? store.OpenVectors() : store.OpenMappedVectors(projection.Key, dimension, MapRows(space));
            if (stored is not null)
            {
                var mapped = new MappedExactIndex(stored);
                progress?.Report((mapped.Count, mapped.Count));
                return mapped;
            }
            var exact = new ExactVectorIndex(dimension, info.Items);
            int done = 0;
            foreach (var (ids, vectors) in MappedBlocks(store, space, dimension))
            {
                for (int i = 0; i < ids.Count; i++) exact.Upsert(ids[i], vectors.AsSpan(i * dimension, dimension));
                done += ids.Count;
                progress?.Report((done, info.Items));
            }
            progress?.Report((done, info.Items));
            return exact;
        }

        // Re-ranking reads the float32 rows where they lie, in the mapped vector file; the index owns the mapping.
        RerankVectors? Rerank() => resolved.Rerank && store.OpenVectors() is { } stored ? new RerankVectors(stored, space) : null;
        var hnsw = new HnswVectorIndex(dimension, resolved, Rerank());
        try
        {
            HnswIndexCache.Header? header = null;
            // At the store's generation the graph is memory-mapped from the cache, not read.
            string? reason = info.Model is { } model ? HnswIndexCache.TryLoad(store.Location, hnsw, model, projectionKey, out header, info.Generation) : "the store has no model yet";
            if (reason is null)
            {
                int changed = Refresh(store, hnsw, space, header!.StoreGeneration, info.Generation);
                log?.Invoke(changed == 0 && header.StoreGeneration == info.Generation
                    ? $"index: {resolved} loaded from cache ({hnsw.Count:N0} items)"
                    : $"index: {resolved} loaded from cache and refreshed ({changed:N0} changes since generation {header.StoreGeneration})");
                if (header.StoreGeneration != info.Generation) HnswIndexCache.Save(store.Location, hnsw, info.Model!.Value, info.Generation, projectionKey, header.Calibration);
                return hnsw;
            }
            log?.Invoke($"index: building {resolved} for {info.Items:N0} items ({reason})");
            hnsw.Dispose();
            hnsw = new HnswVectorIndex(dimension, resolved, Rerank());
            Build(store, hnsw, space, info.Items, progress);
            var calibration = calibrate ? HnswCalibration.Run(store, hnsw, space) : null;
            if (calibration is not null)
                log?.Invoke(FormattableString.Invariant($"index: ef {calibration.Ef} for recall@10 ≥ {calibration.Target:0.00} (measured {calibration.Recall:0.000} on {calibration.Queries} items against exact)"));
            if (info.Model is { } m) HnswIndexCache.Save(store.Location, hnsw, m, info.Generation, projectionKey, calibration);
            return hnsw;
        }
        catch
        {
            hnsw.Dispose();
            throw;
        }
    }

    private static void Build(ICatalogStore store, HnswVectorIndex hnsw, LearnedSpace space, int total, IProgress<(int Done, int Total)>? progress)
    {
        hnsw.Reserve(total);
        int done = 0;
        foreach (var (ids, vectors) in MappedBlocks(store, space, hnsw.Dimension))
        {
            hnsw.AddRange(ids, vectors.AsSpan(0, ids.Count * hnsw.Dimension));
            done += ids.Count;
            progress?.Report((done, total));
        }
    }

    /// <summary>The store's raw rows into <paramref name="space"/>, <see cref="Projection.RowBlock"/> rows per packed product.</summary>
    private static VectorRowMap MapRows(LearnedSpace space)
    {
        var product = new PackedProduct();
        int input = space.Projection!.InputDimension, output = space.Projection.OutputDimension;
        return (raw, count, mapped) =>
        {
            for (int first = 0; first < count; first += Projection.RowBlock)
            {
                int rows = Math.Min(Projection.RowBlock, count - first);
                space.MapRows(raw.Slice(first * input, rows * input), rows, mapped.Slice(first * output, rows * output), product);
            }
        };
    }

    /// <summary>
    /// The store's items in blocks of <see cref="BuildBatch"/>: their ids and their vectors in <paramref name="space"/>,
    /// mapped <see cref="Projection.RowBlock"/> rows at a time. The list and the array are reused for the next block.
    /// </summary>
    private static IEnumerable<(List<ItemId> Ids, float[] Vectors)> MappedBlocks(ICatalogStore store, LearnedSpace space, int dimension)
    {
        int rawDimension = space.Projection?.InputDimension ?? dimension;
        var ids = new List<ItemId>(BuildBatch);
        var raw = new float[BuildBatch * rawDimension];
        var mapped = new float[BuildBatch * dimension];
        var map = space.Projection is null ? null : MapRows(space);
        foreach (var item in store.ReadAll(withVectors: true))
        {
            item.Vector.Span.CopyTo(raw.AsSpan(ids.Count * rawDimension, rawDimension));
            ids.Add(item.Id);
            if (ids.Count < BuildBatch) continue;
            Map();
            yield return (ids, mapped);
            ids.Clear();
        }
        if (ids.Count == 0) yield break;
        Map();
        yield return (ids, mapped);

        void Map()
        {
            if (map is null) raw.AsSpan(0, ids.Count * dimension).CopyTo(mapped);
            else map(raw.AsSpan(0, ids.Count * rawDimension), ids.Count, mapped.AsSpan(0, ids.Count * dimension));
        }
    }

    /// <summary>Applies what changed in the store since the cache was written: upserts newer rows, drops vanished ids.</summary>
    private static int Refresh(ICatalogStore store, HnswVectorIndex hnsw, LearnedSpace space, long cachedGeneration, long storeGeneration)
    {
        if (cachedGeneration == storeGeneration) return 0;
        int changed = 0;
        var present = new HashSet<ItemId>();
        foreach (var item in store.ReadAll(withVectors: false))
        {
            present.Add(item.Id);
            if (item.Generation > cachedGeneration || !hnsw.Contains(item.Id))
            {
                var full = store.Find(item.Id);
                if (full is null) continue;
                hnsw.Upsert(item.Id, space.Map(full.Vector.Span));
                changed++;
            }
        }
        foreach (var (_, id) in hnsw.KeyMap())
        {
            if (!present.Contains(id) && hnsw.Remove(id)) changed++;
        }
        return changed;
    }
}
