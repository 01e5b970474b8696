using System.Diagnostics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.Hosting.Search;

namespace Lookalike.Bench;

/// <summary>
/// Measures a store's index the way <c>similar</c> and <c>serve</c> open it — the HNSW graph viewed from the store's
/// cache, re-ranking from the mapped vector file, the exact answer scanned in place — so a store too large to copy
/// into one array (ten million rows) is measured without rebuilding anything.
/// </summary>
public static class ServedStoreBenchmark
{
    /// <summary>Stream of <see cref="SyntheticVectors"/> the held-out queries come from; <c>vectors synth</c> uses 0, 1, …</summary>
    public const int HeldOutStream = int.MaxValue;

    /// <summary>Queries for a store: fresh draws of <c>vectors synth</c>'s generator (same seed, 1,000 clusters) for a
    /// synthetic store, otherwise every (N/q)-th item, searched with itself left out.</summary>
    public static (float[] Queries, ItemId?[] Exclude) Queries(ICatalogStore store, int q, int seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        var info = store.GetInfo();
        int dim = info.Dimension;
        if (info.Model?.Value.StartsWith("synthetic@", StringComparison.Ordinal) == true)
            return (new SyntheticVectors(dim, clusters: 1000, seed: seed).Generate(q, stream: HeldOutStream), new ItemId?[q]);
        if (info.Items <= q) throw new ArgumentOutOfRangeException(nameof(q), $"The store has {info.Items} items; ask for fewer queries.");
        var queries = new float[(long)q * dim];
        var exclude = new ItemId?[q];
        int stride = info.Items / q, taken = 0, i = 0;
        foreach (var item in store.ReadAll(withVectors: true))
        {
            if (taken < q && i++ % stride == 0)
            {
                item.Vector.Span.CopyTo(queries.AsSpan(taken * dim, dim));
                exclude[taken++] = item.Id;
            }
        }
        return (queries, exclude);
    }

    /// <summary>The exact top-k of every query, scanned in place from the store's vector file in one batch.</summary>
    public static List<HashSet<ItemId>> GroundTruth(ICatalogStore store, float[] queries, ItemId?[] exclude, int k)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var exact = VectorIndexLoader.Load(store, IndexSpec.Exact);
        int dim = exact.Dimension, q = exclude.Length;
        var truth = new List<HashSet<ItemId>>(q);
        // The batch cannot leave a different item out per query, so it asks for one more and drops the query itself.
        var hits = exact.SearchBatch(queries.AsSpan(0, q * dim), q, new SearchRequest(k + 1));
        for (int i = 0; i < q; i++)
            truth.Add(hits[i].Where(h => h.Id != exclude[i]).Take(k).Select(h => h.Id).ToHashSet());
        return truth;
    }

    /// <summary>Opens <paramref name="spec"/> over the store (viewed from its cache when one matches) and measures it.</summary>
    public static SearchBenchmarkResult Run(ICatalogStore store, IndexSpec spec, float[] queries, ItemId?[] exclude, int k, IReadOnlyList<HashSet<ItemId>> truth, double bandwidth)
    {
        ArgumentNullException.ThrowIfNull(store);
        var clock = Stopwatch.StartNew();
        using var index = VectorIndexLoader.Load(store, spec, message => Console.Error.WriteLine(message));
        double openS = clock.Elapsed.TotalSeconds;
        int q = exclude.Length, dim = index.Dimension;
        var requests = exclude.Select(id => new SearchRequest(k, Exclude: id)).ToArray();
        var figures = SearchBenchmark.Measure(index, queries, q, dim, requests, (i, hit) => truth[i].Contains(hit.Id), bandwidth);
        return figures with { BuildS = Math.Round(openS, 3), BuildCached = true };
    }
}
