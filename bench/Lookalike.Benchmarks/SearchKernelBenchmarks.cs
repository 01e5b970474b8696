using BenchmarkDotNet.Attributes;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;

namespace Lookalike.Benchmarks;

/// <summary>
/// The exact-search kernels on seeded clustered vectors: one query scanned row by row (memory-bound) against many
/// queries as one register-tiled matrix–matrix product (compute-bound). Dimensions include an odd one.
/// </summary>
[MemoryDiagnoser]
public class SearchKernelBenchmarks
{
    private ExactVectorIndex _index = null!;
    private float[] _queries = null!;

    [Params(100_000)]
    public int N { get; set; }

    [Params(512, 129)]
    public int Dim { get; set; }

    [Params(64)]
    public int Queries { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var generator = new SyntheticVectors(Dim, clusters: 1000, seed: 1);
        var data = generator.Generate(N, stream: 1);
        _index = new ExactVectorIndex(Dim, N);
        for (int i = 0; i < N; i++) _index.Upsert(ItemId.Parse($"v/{i}"), data.AsSpan(i * Dim, Dim));
        _queries = generator.Generate(Queries, stream: 2);
    }

    [GlobalCleanup]
    public void Cleanup() => _index.Dispose();

    [Benchmark(Baseline = true, Description = "queries one at a time")]
    public int SingleQueries()
    {
        int found = 0;
        for (int q = 0; q < Queries; q++) found += _index.Search(_queries.AsSpan(q * Dim, Dim), new SearchRequest(10)).Count;
        return found;
    }

    [Benchmark(Description = "one batch (matrix–matrix)")]
    public int Batch() => _index.SearchBatch(_queries, Queries, new SearchRequest(10)).Sum(r => r.Count);
}

/// <summary>The bounded heap on a stream of random scores.</summary>
public class TopKBenchmarks
{
    private float[] _scores = null!;

    [Params(10, 100)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _scores = Enumerable.Range(0, 1_000_000).Select(_ => (float)random.NextDouble()).ToArray();
    }

    [Benchmark]
    public int Stream()
    {
        var heap = new TopK(K);
        for (int i = 0; i < _scores.Length; i++)
            if (_scores[i] > heap.Threshold) heap.Add(_scores[i], i);
        return heap.Count;
    }
}
