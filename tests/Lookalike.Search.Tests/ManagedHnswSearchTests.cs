using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.Search.USearch;
using Xunit.Abstractions;

namespace Lookalike.Search.Tests;

/// <summary>
/// A viewed graph is walked by managed code (<c>MappedHnswGraph</c>) over the saved file; the same file read by USearch
/// (<see cref="HnswVectorIndex.LoadNative(string, IReadOnlyList{ValueTuple{ulong, ItemId}})"/>) is the reference: the
/// same answers for the same ef, checked against the exact oracle too.
/// </summary>
public sealed class ManagedHnswSearchTests(ITestOutputHelper output) : IDisposable
{
    private const int N = 3_000, Queries = 200, K = 10;
    private readonly string _folder = Directory.CreateTempSubdirectory("lookalike-managed-hnsw-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ItemId Id(int i) => ItemId.Parse($"v/{i}");

    private sealed record Graphs(HnswVectorIndex Native, HnswVectorIndex Managed, ExactVectorIndex Exact, float[] Queries, string Path) : IDisposable
    {
        public void Dispose()
        {
            Native.Dispose();
            Managed.Dispose();
            Exact.Dispose();
        }
    }

    /// <summary>Builds a graph of seeded clustered vectors, saves it, and opens the file twice: read by USearch, and viewed.</summary>
    private Graphs Build(string spec, int dimension, int removed = 0)
    {
        var generator = new SyntheticVectors(dimension, clusters: 60, seed: 5);
        var data = generator.Generate(N, stream: 1);
        var parsed = IndexSpec.Parse(spec);
        string path = Path.Combine(_folder, $"{parsed.DType}-{dimension}-{removed}.usearch");
        using (var built = new HnswVectorIndex(dimension, parsed))
        {
            built.AddRange(Enumerable.Range(0, N).Select(Id).ToList(), data);
            for (int i = 0; i < removed; i++) built.Remove(Id(i * 7));
            built.SaveNative(path);
            var map = built.KeyMap();
            // Re-ranking reads the float32 rows in place, as a store's mapped vector file hands them over (row i is item i).
            RerankVectors? Rerank() => parsed.Rerank
                ? new RerankVectors(new StoredVectors(new ArrayVectorRows(data, dimension), Enumerable.Range(0, N).Select(i => (ItemId?)Id(i)).ToArray(), 0))
                : null;
            var native = new HnswVectorIndex(dimension, parsed, Rerank());
            native.LoadNative(path, map);
            var managed = new HnswVectorIndex(dimension, parsed, Rerank());
            managed.ViewNative(path, map);
            var exact = new ExactVectorIndex(dimension, N);
            foreach (var (_, id) in map) exact.Upsert(id, data.AsSpan(int.Parse(id.Value[2..]) * dimension, dimension));
            return new Graphs(native, managed, exact, generator.Generate(Queries, stream: 2), path);
        }
    }

    [Theory]
    [InlineData("hnsw(m=16,efc=64,ef=16,dtype=i8)", 131)]
    [InlineData("hnsw(m=12,efc=64,ef=48,dtype=i8)", 128)]
    [InlineData("hnsw(m=16,efc=64,ef=32,dtype=i8,rerank=true)", 64)]
    public void Search_I8View_SameIdsAndScoresAsUSearch(string spec, int dimension)
    {
        using var graphs = Build(spec, dimension);
        Assert.True(graphs.Managed.IsView);
        Assert.StartsWith("managed", graphs.Managed.HardwareAcceleration);
        for (int q = 0; q < Queries; q++)
        {
            var query = graphs.Queries.AsSpan(q * dimension, dimension);
            var native = graphs.Native.Search(query, new SearchRequest(K));
            var managed = graphs.Managed.Search(query, new SearchRequest(K));
            // int8 distances are exact integers and the walk is USearch's step for step: nothing may differ.
            Assert.Equal(native.Select(h => (h.Id, h.Score)), managed.Select(h => (h.Id, h.Score)));
        }
        // A viewed graph finds an item's node by walking towards its float32 vector (with re-ranking) or by one pass over the keys.
        foreach (int i in new[] { 0, 17, 1_234, N - 1 })
            Assert.Equal(graphs.Native.GetVector(Id(i)), graphs.Managed.GetVector(Id(i)));
        Assert.True(graphs.Managed.IsView);
    }

    [Theory]
    [InlineData("hnsw(m=16,efc=64,ef=16,dtype=f32)", 77)]
    [InlineData("hnsw(m=16,efc=64,ef=40,dtype=f32)", 128)]
    [InlineData("hnsw(m=16,efc=64,ef=16,dtype=f16)", 96)]
    [InlineData("hnsw(m=16,efc=64,ef=40,dtype=f16)", 131)]
    public void Search_FloatView_RecallOfUSearch(string spec, int dimension)
    {
        using var graphs = Build(spec, dimension);
        // f16 where USearch runs SimSIMD's skylake/haswell kernels: the managed sums follow their order, identical lists
        // and scores. f32 (summed in float, USearch sums in double) or another native kernel: a sum may differ in its
        // last bit and flip a near-tie in the walk, so identity per query is not guaranteed: recall against exact is
        // held equal instead, and scores of the same item to 1e-5.
        bool sameOrder = graphs.Managed.HardwareAcceleration.Contains("sums as skylake") || graphs.Managed.HardwareAcceleration.Contains("sums as haswell");
        double nativeRecall = 0, managedRecall = 0;
        int identical = 0;
        for (int q = 0; q < Queries; q++)
        {
            var query = graphs.Queries.AsSpan(q * dimension, dimension);
            var truth = graphs.Exact.Search(query, new SearchRequest(K)).Select(h => h.Id).ToHashSet();
            var native = graphs.Native.Search(query, new SearchRequest(K));
            var managed = graphs.Managed.Search(query, new SearchRequest(K));
            nativeRecall += native.Count(h => truth.Contains(h.Id)) / (double)K / Queries;
            managedRecall += managed.Count(h => truth.Contains(h.Id)) / (double)K / Queries;
            if (native.Select(h => h.Id).SequenceEqual(managed.Select(h => h.Id))) identical++;
            for (int i = 0; i < Math.Min(native.Count, managed.Count); i++)
                if (native[i].Id == managed[i].Id) Assert.Equal(native[i].Score, managed[i].Score, sameOrder ? 0f : 1e-5f);
            if (sameOrder) Assert.Equal(native, managed);
        }
        output.WriteLine($"{spec} d={dimension} ({graphs.Managed.HardwareAcceleration}): recall native {nativeRecall:0.0000}, managed {managedRecall:0.0000}, identical lists {identical}/{Queries}");
        Assert.InRange(managedRecall - nativeRecall, -0.002, 1);
        Assert.True(identical >= Queries * 9 / 10, $"only {identical}/{Queries} result lists identical");
    }

    [Fact]
    public void Search_ViewWithFilterExclusionAndRemovedNodes_SameAsUSearch()
    {
        const int D = 72;
        using var graphs = Build("hnsw(m=16,efc=64,ef=24,dtype=i8)", D, removed: 200);
        Assert.Equal(N - 200, graphs.Managed.Count);
        for (int q = 0; q < 50; q++)
        {
            var query = graphs.Queries.AsSpan(q * D, D);
            var plain = graphs.Native.Search(query, new SearchRequest(K));
            Assert.Equal(plain.Select(h => h.Id), graphs.Managed.Search(query, new SearchRequest(K)).Select(h => h.Id));
            var request = new SearchRequest(K) { Exclude = plain[0].Id, Filter = id => int.Parse(id.Value[2..]) % 3 != 0 };
            var native = graphs.Native.Search(query, request);
            var managed = graphs.Managed.Search(query, request);
            Assert.Equal(native.Select(h => h.Id), managed.Select(h => h.Id));
            Assert.DoesNotContain(managed, h => h.Id == plain[0].Id || int.Parse(h.Id.Value[2..]) % 3 == 0);
            var excluded = new SearchRequest(K) { Exclude = plain[0].Id };
            Assert.Equal(graphs.Native.Search(query, excluded).Select(h => h.Id), graphs.Managed.Search(query, excluded).Select(h => h.Id));
        }
        Assert.Null(graphs.Managed.GetVector(Id(0))); // removed before saving
    }

    [Fact]
    public void View_VectorsExactSearchBatchAndFirstWrite_MatchUSearch()
    {
        const int D = 40;
        using var graphs = Build("hnsw(m=16,efc=64,ef=32,dtype=f16)", D);
        foreach (int i in new[] { 0, 17, 2_999 })
            Assert.Equal(graphs.Native.GetVector(Id(i)), graphs.Managed.GetVector(Id(i)));
        var query = graphs.Queries.AsSpan(0, D);
        var exact = new SearchRequest(K) { Exact = true };
        Assert.Equal(graphs.Native.Search(query, exact), graphs.Managed.Search(query, exact));
        var batch = graphs.Managed.SearchBatch(graphs.Queries.AsSpan(0, 8 * D), 8, new SearchRequest(K));
        for (int q = 0; q < 8; q++)
            Assert.Equal(graphs.Managed.Search(graphs.Queries.AsSpan(q * D, D), new SearchRequest(K)), batch[q]);

        // The first write turns the view into a native index in memory, holding the same graph plus the write.
        var fresh = graphs.Queries.AsSpan(D, D).ToArray();
        graphs.Managed.Upsert(ItemId.Parse("new/1"), fresh);
        Assert.False(graphs.Managed.IsView);
        Assert.Equal(N + 1, graphs.Managed.Count);
        Assert.Equal(ItemId.Parse("new/1"), graphs.Managed.Search(fresh, new SearchRequest(K))[0].Id);
        Assert.Equal(graphs.Native.Search(query, new SearchRequest(K)).Select(h => h.Id), graphs.Managed.Search(query, new SearchRequest(K)).Select(h => h.Id));
    }

    [Fact]
    public void View_TruncatedOrForeignFile_InvalidDataNamingTheFile()
    {
        const int D = 32;
        string path;
        IReadOnlyList<(ulong Key, ItemId Id)> map;
        using (var graphs = Build("hnsw(m=8,efc=32,ef=16,dtype=i8)", D))
        {
            path = graphs.Path;
            map = graphs.Native.KeyMap();
        }
        byte[] bytes = File.ReadAllBytes(path);
        string truncated = Path.Combine(_folder, "truncated.usearch");
        foreach (int length in new[] { 4, 100, N * D + 8 + 70, bytes.Length - 1 })
        {
            File.WriteAllBytes(truncated, bytes[..length]);
            using var index = new HnswVectorIndex(D, IndexSpec.Parse("hnsw(m=8,efc=32,ef=16,dtype=i8)"));
            var error = Assert.Throws<InvalidDataException>(() => index.ViewNative(truncated, map));
            Assert.Contains(truncated, error.Message);
            Assert.Contains("truncated", error.Message);
        }
        string foreign = Path.Combine(_folder, "foreign.usearch");
        var damaged = (byte[])bytes.Clone();
        damaged[8 + N * D] = (byte)'X'; // the magic after the vectors
        File.WriteAllBytes(foreign, damaged);
        using var other = new HnswVectorIndex(D, IndexSpec.Parse("hnsw(m=8,efc=32,ef=16,dtype=i8)"));
        Assert.Contains(foreign, Assert.Throws<InvalidDataException>(() => other.ViewNative(foreign, map)).Message);
        using var wrongDimension = new HnswVectorIndex(D + 1, IndexSpec.Parse("hnsw(m=8,efc=32,ef=16,dtype=i8)"));
        Assert.Contains(path, Assert.Throws<InvalidDataException>(() => wrongDimension.ViewNative(path, map)).Message);
    }
}
