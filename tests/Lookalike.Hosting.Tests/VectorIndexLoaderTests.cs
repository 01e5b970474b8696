using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Export;
using Lookalike.Hosting.Search;
using Lookalike.Search.USearch;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Hosting.Tests;

/// <summary>The HNSW cache is derived data: used when valid, refreshed or rebuilt otherwise, never wrong.</summary>
public sealed class VectorIndexLoaderTests(ITestOutputHelper output) : IDisposable
{
    private static readonly IndexSpec Hnsw = IndexSpec.Parse("hnsw(m=16,efc=64,ef=64)");
    private readonly TempDirectory _dir = new();

    private SqliteCatalogStore NewStore(int n = 3000)
    {
        var store = SqliteCatalogStore.Open(_dir.Combine("store"), create: true);
        VectorImporter.Synthesize(store, n, dimension: 32, clusters: 30, seed: 5);
        return store;
    }

    private static (IVectorIndex Index, List<string> Log) Load(SqliteCatalogStore store, IndexSpec spec)
    {
        var log = new List<string>();
        return (VectorIndexLoader.Load(store, spec, log.Add), log);
    }

    [Fact]
    public void Load_SecondTime_UsesCache_AndAnswersLikeExact()
    {
        using var store = NewStore();
        var (built, log1) = Load(store, Hnsw);
        using var _b = built;
        Assert.Contains("no index cache yet", log1.Single());
        var (cached, log2) = Load(store, Hnsw);
        using var _c = cached;
        Assert.Contains("loaded from cache", log2.Single());
        Assert.Equal(3000, cached.Count);
        using var exact = VectorIndexLoader.Load(store, IndexSpec.Exact);

        // 200 fresh queries from the catalog's own clusters (same generator seed, another stream), top-10 each.
        const int queries = 200, k = 10;
        float[] data = new Core.Vectors.SyntheticVectors(32, clusters: 30, seed: 5).Generate(queries, stream: 1000);
        int found = 0, sameOrder = 0;
        for (int q = 0; q < queries; q++)
        {
            var query = data.AsSpan(q * 32, 32);
            var fromCache = cached.Search(query, new SearchRequest(k));
            // The graph read back from the cache is the graph that was saved: the same answers. The cached f32 graph is
            // walked by managed code that sums in float where USearch sums in double, so a score may differ in its last
            // bit and, rarely, a near-tie swap places: the same items with the same scores to 1e-5, in the same order
            // nearly always.
            var fromBuilt = built.Search(query, new SearchRequest(k));
            var scoreOf = fromBuilt.ToDictionary(h => h.Id, h => h.Score);
            Assert.Equal(fromBuilt.Count, fromCache.Count);
            Assert.True(fromCache.Count(h => scoreOf.ContainsKey(h.Id)) >= k - 1, $"query {q}: the cached graph answered other items");
            foreach (var hit in fromCache.Where(h => scoreOf.ContainsKey(h.Id)))
                Assert.Equal(scoreOf[hit.Id], hit.Score, 1e-5f);
            if (fromBuilt.Select(h => h.Id).SequenceEqual(fromCache.Select(h => h.Id))) sameOrder++;
            found += fromCache.Select(h => h.Id).Intersect(exact.Search(query, new SearchRequest(k)).Select(h => h.Id)).Count();
        }
        Assert.True(sameOrder >= queries * 95 / 100, $"only {sameOrder}/{queries} answers in the same order from the cache");
        double recall = found / (double)(queries * k);
        output.WriteLine($"cached hnsw recall@10 against exact over {queries} queries: {recall:0.0000}");
        // Measured 0.9995 for hnsw(m=16,efc=64,ef=64) on this seeded store (the build is multi-threaded, so not bit-stable).
        // Floor = measured − 0.02.
        Assert.True(recall >= 0.98, $"recall@10 of the cached index against exact: {recall:0.000}");
    }

    [Fact]
    public void Load_AutoAboveThreshold_ServesTheSpecTheStoreWasIndexedWith()
    {
        var f16 = IndexSpec.Parse("hnsw(m=8,efc=32,ef=40,dtype=f16)");
        using var store = SqliteCatalogStore.Open(_dir.Combine("large"), create: true);
        VectorImporter.Synthesize(store, IndexSpec.AutoThreshold, dimension: 4, clusters: 20, seed: 3);
        Load(store, f16).Index.Dispose();

        var (index, log) = Load(store, IndexSpec.Auto);
        using var _ = index;
        Assert.Equal(f16.ToString(), index.Spec);
        Assert.Contains("loaded from cache", log.Single());
    }

    [Fact]
    public void Load_AfterStoreChanges_RefreshesIncrementally()
    {
        using var store = NewStore();
        Load(store, Hnsw).Index.Dispose();
        var removed = ItemId.Parse("synthetic/0000007");
        store.Remove([removed]);
        var moved = store.Find(ItemId.Parse("synthetic/0000009"))!;
        var newVector = store.Find(ItemId.Parse("synthetic/0000100"))!.Vector.ToArray();
        store.Upsert([moved with { Vector = newVector }]);

        var (index, log) = Load(store, Hnsw);
        using var _ = index;
        Assert.Contains("refreshed (2 changes", log.Single());
        Assert.False(index.Contains(removed));
        Assert.Equal(2999, index.Count);
        var top = index.Search(newVector, new SearchRequest(2)).Select(h => h.Id.Value).ToList();
        Assert.Contains("synthetic/0000009", top);
        // The refreshed cache was saved: the next load needs no refresh.
        var (again, log2) = Load(store, Hnsw);
        using (again) Assert.Matches("loaded from cache \\(", log2.Single());
    }

    [Fact]
    public void Load_CorruptGraphFile_RebuildsWithMessage()
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        string graph = Path.Combine(store.Location, "index", "hnsw.usearch");
        var bytes = File.ReadAllBytes(graph);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(graph, bytes);
        var (index, log) = Load(store, Hnsw);
        using var _ = index;
        Assert.Contains("corrupt", log.Single());
        Assert.Equal(1500, index.Count);
    }

    [Fact]
    public void Load_CopiedCache_IsHashedOnce_ThenStampedAnew()
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        string folder = Path.Combine(store.Location, "index");
        string graph = Path.Combine(folder, "hnsw.usearch"), keys = Path.Combine(folder, "hnsw.keys.bin");
        // A copy (cp, a restore from backup) keeps the bytes and changes the write time: the checksums must decide.
        var copied = new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(graph, copied);
        File.SetLastWriteTimeUtc(keys, copied.AddSeconds(1));

        var (index, log) = Load(store, Hnsw);
        using var _ = index;
        Assert.Contains("loaded from cache", log.Single());
        Assert.Equal(1500, index.Count);
        // Stamped with the files as they are now, so the next open trusts them instead of hashing the graph again.
        using var header = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "hnsw.header.json")));
        Assert.Equal(copied.Ticks, header.RootElement.GetProperty("graph_stamp").GetProperty("write_ticks").GetInt64());
        Assert.Equal(copied.AddSeconds(1).Ticks, header.RootElement.GetProperty("ids_stamp").GetProperty("write_ticks").GetInt64());
        Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp"));
    }

    [Fact]
    public void Verify_HashesTheCache_EvenWhenItsStampIsUnchanged()
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        var info = store.GetInfo();
        Assert.DoesNotContain(HnswIndexCache.Inspect(store.Location, info.Model!.Value.Value, info.Dimension, info.Generation), f => f.Severity == Core.Catalog.VerifySeverity.Error);

        // Damage on disk that keeps the length and write time: opening trusts the stamp, verify must not.
        string graph = Path.Combine(store.Location, "index", "hnsw.usearch");
        var written = File.GetLastWriteTimeUtc(graph);
        var bytes = File.ReadAllBytes(graph);
        bytes[bytes.Length / 2] ^= 0x5A;
        File.WriteAllBytes(graph, bytes);
        File.SetLastWriteTimeUtc(graph, written);
        var findings = HnswIndexCache.Inspect(store.Location, info.Model!.Value.Value, info.Dimension, info.Generation);
        Assert.Contains(findings, f => f.Severity == Core.Catalog.VerifySeverity.Error && f.Problem.Contains("checksum") && f.Repair.Contains("delete"));
    }

    [Theory]
    [InlineData("hnsw(m=8,efc=64,ef=64)", "built as")]
    [InlineData(null, "header is damaged")]
    public void Load_MismatchedOrDamagedHeader_Rebuilds(string? otherSpec, string reason)
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        if (otherSpec is null) File.WriteAllText(Path.Combine(store.Location, "index", "hnsw.header.json"), "{ not json");
        var (index, log) = Load(store, otherSpec is null ? Hnsw : IndexSpec.Parse(otherSpec));
        using var _ = index;
        Assert.Contains(reason, log.Single());
        Assert.Equal(1500, index.Count);
    }

    [Fact]
    public void Load_OtherEfOnly_ReusesCache()
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        var (index, log) = Load(store, Hnsw with { EfSearch = 200, Rerank = true });
        using var _ = index;
        Assert.Contains("loaded from cache", log.Single());
        Assert.Equal("hnsw(m=16,efc=64,ef=200,dtype=f32,rerank=true)", index.Spec);
    }

    [Fact]
    public void Load_CurrentCache_IsMemoryMapped_AndCopiedOnFirstWrite()
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        var (index, _) = Load(store, Hnsw);
        using var _i = index;
        var hnsw = Assert.IsType<HnswVectorIndex>(index);
        Assert.True(hnsw.IsView);
        var probe = store.Find(ItemId.Parse("synthetic/0000042"))!;
        var before = hnsw.Search(probe.Vector.Span, new SearchRequest(5));
        Assert.Equal(probe.Id, before[0].Id);

        // A write copies the viewed graph into memory first; everything it held is still there.
        var added = ItemId.Parse("added/1");
        hnsw.Upsert(added, probe.Vector.Span);
        Assert.False(hnsw.IsView);
        Assert.Equal(1501, hnsw.Count);
        var after = hnsw.Search(probe.Vector.Span, new SearchRequest(6)).Select(h => h.Id).ToList();
        Assert.Contains(added, after);
        Assert.Subset(after.ToHashSet(), before.Select(h => h.Id).ToHashSet());
    }

    /// <summary>
    /// Issue 16: a cache of format 1 (ids in <c>hnsw.ids.tsv</c>, parsed at open) is rebuilt, never read with the new key
    /// scheme: its id file is even made to lie here, so reading it would answer wrong ids.
    /// </summary>
    [Fact]
    public void Load_FormatOneCache_IsRebuilt_NeverMisread()
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        string folder = Path.Combine(store.Location, "index");
        string header = Path.Combine(folder, "hnsw.header.json");
        File.WriteAllText(header, File.ReadAllText(header).Replace("\"format_version\": 2", "\"format_version\": 1", StringComparison.Ordinal));
        File.Delete(Path.Combine(folder, "hnsw.keys.bin"));
        // Every key names the item of the next key: a misread would shift every answer by one.
        File.WriteAllLines(Path.Combine(folder, "hnsw.ids.tsv"), Enumerable.Range(0, 1500).Select(k => $"{k}\tsynthetic/{(k + 1) % 1500:D7}"));

        var (index, log) = Load(store, Hnsw);
        using var _ = index;
        Assert.Contains("index cache format 1, this build writes 2", log.Single());
        Assert.Equal(1500, index.Count);
        var probe = store.Find(ItemId.Parse("synthetic/0000042"))!;
        Assert.Equal(probe.Id, index.Search(probe.Vector.Span, new SearchRequest(1)).Single().Id);
        Assert.False(File.Exists(Path.Combine(folder, "hnsw.ids.tsv")), "the format-1 id file is deleted when the new cache is saved");
        var (again, log2) = Load(store, Hnsw);
        using (again) Assert.Contains("loaded from cache", log2.Single());
    }

    [Fact]
    public void Load_TruncatedKeyFile_RebuildsWithMessage()
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        string keys = Path.Combine(store.Location, "index", "hnsw.keys.bin");
        var bytes = File.ReadAllBytes(keys);
        File.WriteAllBytes(keys, bytes[..^7]);
        var (index, log) = Load(store, Hnsw);
        using var _ = index;
        Assert.Contains("corrupt", log.Single());
        Assert.Equal(1500, index.Count);
        var probe = store.Find(ItemId.Parse("synthetic/0000042"))!;
        Assert.Equal(probe.Id, index.Search(probe.Vector.Span, new SearchRequest(1)).Single().Id);
    }

    /// <summary>Keys given and taken after a viewed cache opened live beside the mapped key file, and survive a save and reopen.</summary>
    [Fact]
    public void Load_ViewedCache_WritesThenRefresh_KeepEveryIdRight()
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        var (index, _) = Load(store, Hnsw);
        var hnsw = Assert.IsType<HnswVectorIndex>(index);
        using (hnsw)
        {
            var probe = store.Find(ItemId.Parse("synthetic/0000042"))!;
            Assert.True(hnsw.Remove(ItemId.Parse("synthetic/0000042")));
            Assert.False(hnsw.Contains(ItemId.Parse("synthetic/0000042")));
            hnsw.Upsert(ItemId.Parse("added/é/1"), probe.Vector.Span);
            Assert.Equal(ItemId.Parse("added/é/1"), hnsw.Search(probe.Vector.Span, new SearchRequest(1)).Single().Id);
            Assert.Equal(1500, hnsw.Count);
            Assert.Equal(hnsw.Count, hnsw.KeyMap().Select(e => e.Id).Distinct().Count());
        }
        // The same changes through the store: the refresh saves a cache holding the new keys; the next load reads them in place.
        var moved = store.Find(ItemId.Parse("synthetic/0000009"))!;
        var target = store.Find(ItemId.Parse("synthetic/0001400"))!.Vector.ToArray();
        store.Remove([ItemId.Parse("synthetic/0000007")]);
        store.Upsert([moved with { Vector = target }]);
        Load(store, Hnsw).Index.Dispose();
        var (reopened, log) = Load(store, Hnsw);
        using var _r = reopened;
        Assert.Matches("loaded from cache \\(", log.Single());
        Assert.True(Assert.IsType<HnswVectorIndex>(reopened).IsView);
        Assert.Equal(1499, reopened.Count);
        Assert.False(reopened.Contains(ItemId.Parse("synthetic/0000007")));
        Assert.Contains(ItemId.Parse("synthetic/0000009"), reopened.Search(target, new SearchRequest(2)).Select(h => h.Id));
        var other = store.Find(ItemId.Parse("synthetic/0000500"))!;
        Assert.Equal(other.Id, reopened.Search(other.Vector.Span, new SearchRequest(1)).Single().Id);
    }

    [Fact]
    public void Load_StaleCache_IsReadIntoMemory_ThenRefreshed()
    {
        using var store = NewStore(1500);
        Load(store, Hnsw).Index.Dispose();
        store.Remove([ItemId.Parse("synthetic/0000007")]);
        var (index, log) = Load(store, Hnsw);
        using var _ = index;
        Assert.Contains("refreshed (1 changes", log.Single());
        Assert.False(Assert.IsType<HnswVectorIndex>(index).IsView);
    }

    /// <summary>
    /// Issue 16 / issue 12 point 5: re-ranking re-scores the candidates with the float32 rows of the mapped vector file,
    /// never one store read per candidate. i8 distances are approximate, so a score equal to the exact dot product
    /// shows the re-rank happened; the recording store shows where the vectors did not come from.
    /// </summary>
    [Fact]
    public void Rerank_ScoresFromTheMappedFile_WithoutReadingTheStore()
    {
        using var sqlite = NewStore();
        var spec = IndexSpec.Parse("hnsw(m=16,efc=64,ef=64,dtype=i8,rerank=true)");
        Load(sqlite, spec).Index.Dispose();
        var truth = sqlite.ReadAll(withVectors: true).ToDictionary(i => i.Id, i => i.Vector.ToArray());
        var store = QueryServiceOpenTests.RecordingStore.Wrap(sqlite, out var recorder);
        using var index = VectorIndexLoader.Load(store, spec);
        Assert.True(Assert.IsType<HnswVectorIndex>(index).Reranks);
        lock (recorder.Calls) recorder.Calls.Clear();

        float[] data = new Core.Vectors.SyntheticVectors(32, clusters: 30, seed: 5).Generate(50, stream: 1000);
        int moved = 0;
        for (int q = 0; q < 50; q++)
        {
            var query = data.AsSpan(q * 32, 32);
            var hits = index.Search(query, new SearchRequest(10));
            Assert.Equal(10, hits.Count);
            foreach (var hit in hits)
                Assert.Equal(Core.Vectors.VectorMath.Dot(query, truth[hit.Id]), hit.Score);
            Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score), "re-ranked hits are in score order");
            var quantised = index.Search(query, new SearchRequest(3000, Exact: true)).ToDictionary(h => h.Id, h => h.Score);
            moved += hits.Count(h => Math.Abs(h.Score - quantised[h.Id]) > 1e-4f);
        }
        Assert.Empty(recorder.Calls);
        output.WriteLine($"hits whose exact score differs from the i8 one by more than 1e-4: {moved} of 500");
        Assert.True(moved > 0, "i8 scores differ from float32 ones, so equality above shows re-ranking");

        // A vector written after opening is re-ranked with the new vector, still without reading the store.
        var id = ItemId.Parse("synthetic/0000009");
        var replacement = truth[ItemId.Parse("synthetic/0000100")];
        index.Upsert(id, replacement);
        var top = index.Search(replacement, new SearchRequest(2));
        Assert.Contains(top, h => h.Id == id && h.Score == Core.Vectors.VectorMath.Dot(replacement, replacement));
        Assert.Empty(recorder.Calls);
    }

    [Fact]
    public void Calibration_PicksTheSmallestEfReachingTheTarget_MeasuredAgainstExact()
    {
        using var store = NewStore();
        using var exact = VectorIndexLoader.Load(store, IndexSpec.Exact);
        using var hnsw = (HnswVectorIndex)VectorIndexLoader.Load(store, IndexSpec.Parse("hnsw(m=4,efc=16,ef=64)"));
        var result = HnswCalibration.Run(store, hnsw, Core.Learning.LearnedSpace.Raw, target: 0.97)!;
        output.WriteLine($"ef {result.Ef}: recall {result.Recall:0.000} on {result.Queries} queries");
        Assert.Equal(200, result.Queries);
        Assert.Equal(result.Ef, hnsw.IndexSpec.EfSearch);

        // The same recall, measured here independently over the same kind of sample: the store's items, themselves excluded.
        double RecallAt(int ef, IReadOnlyList<ItemId> sample)
        {
            hnsw.SetSearchExpansion(ef);
            int found = 0;
            foreach (var id in sample)
            {
                var vector = exact.GetVector(id)!;
                var truth = exact.Search(vector, new SearchRequest(10, Exclude: id)).Select(h => h.Id).ToHashSet();
                found += hnsw.Search(vector, new SearchRequest(10, Exclude: id)).Count(h => truth.Contains(h.Id));
            }
            return found / (10.0 * sample.Count);
        }
        var all = store.ReadAll(withVectors: false).Select(i => i.Id).ToList();
        var sample = Enumerable.Range(0, 300).Select(i => all[i * 10 + 3]).ToList();
        // A small graph (m=4) needs more than the smallest ef, so "smallest reaching the target" is tested, not just the floor.
        Assert.True(result.Ef > 16, $"ef {result.Ef}");
        Assert.True(result.Recall >= 0.97, $"recall {result.Recall}");
        Assert.True(RecallAt(result.Ef, sample) >= 0.95, "another sample agrees within sampling error");
        Assert.True(RecallAt(16, sample) < 0.97, "the smallest ef tried misses the target, so calibration had to choose");
    }

    [Fact]
    public void Auto_BuildingTheGraph_CalibratesEf_AndInfoShowsIt()
    {
        using var store = SqliteCatalogStore.Open(_dir.Combine("large"), create: true);
        VectorImporter.Synthesize(store, IndexSpec.AutoThreshold, dimension: 8, clusters: 50, seed: 3);
        var (index, log) = Load(store, IndexSpec.Auto);
        using (index)
        {
            Assert.Contains(log, line => line.Contains("building hnsw("));
            Assert.Contains(log, line => line.Contains("for recall@10 ≥ 0.95 (measured"));
        }
        var cache = IndexCacheInfo.Read(store.Location)!;
        var calibration = cache.Calibration!;
        output.WriteLine($"{cache.Spec}: recall {calibration.Recall:0.000}");
        Assert.True(calibration.Recall >= 0.95);
        Assert.Equal(calibration.Ef, IndexSpec.Parse(cache.Spec).EfSearch);

        // Served with the calibrated ef from then on.
        var (again, log2) = Load(store, IndexSpec.Auto);
        using (again) Assert.Equal(cache.Spec, again.Spec);
        Assert.Contains("loaded from cache", log2.Single());
    }

    [Fact]
    public void Auto_SmallStore_IsExact()
    {
        using var store = NewStore(500);
        using var index = VectorIndexLoader.Load(store, IndexSpec.Auto);
        Assert.Equal("exact", index.Spec);
    }

    [Fact]
    public void ExportThenImport_RoundTripsVectorsAndIds()
    {
        using var store = NewStore(700);
        string npy = _dir.Combine("out", "v.npy");
        VectorExporter.Export(store, npy);
        using var copy = SqliteCatalogStore.Open(_dir.Combine("copy"), create: true);
        Assert.Equal(700, VectorImporter.Import(copy, npy, VectorExporter.IdsPathFor(npy), "mine"));
        Assert.StartsWith("mine@", copy.Model!.Value.Value);
        var a = store.Find(ItemId.Parse("synthetic/0000321"))!.Vector.ToArray();
        var b = copy.Find(ItemId.Parse("synthetic/0000321"))!.Vector.ToArray();
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("dup", "appears twice")]
    [InlineData("traversal", "not a valid item id")]
    [InlineData("short", "has 2 ids but")]
    public void Import_BadIds_NamesFileAndLine(string kind, string expected)
    {
        using var store = NewStore(3);
        string npy = _dir.Combine("v.npy");
        VectorExporter.Export(store, npy);
        string ids = _dir.Combine("ids.txt");
        File.WriteAllLines(ids, kind switch
        {
            "dup" => ["a", "a", "b"],
            "traversal" => ["a", "../b", "c"],
            _ => ["a", "b"],
        });
        using var target = SqliteCatalogStore.Open(_dir.Combine("t"), create: true);
        var e = Assert.Throws<Core.Errors.LookalikeException>(() => VectorImporter.Import(target, npy, ids, "x"));
        Assert.Contains(expected, e.Message);
        Assert.Contains("ids.txt", e.Message);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
