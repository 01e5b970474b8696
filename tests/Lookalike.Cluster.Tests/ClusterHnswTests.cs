using System.Text.Json;
using Lookalike.Cluster.Client;
using Lookalike.Core.Search;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// Shards serving from HNSW (real silo processes, real Redis): each replica builds and caches its graph at its own
/// size, and the merged answers keep recall@10 ≥ 0.95 against a single store's exact answers for the same items.
/// </summary>
[Collection(nameof(ClusterProcessTests))]
public sealed class ClusterHnswTests(ITestOutputHelper output) : IDisposable
{
    private const int Items = 20_000, Dimension = 48, K = 10, Queries = 100;
    private const string Spec = "hnsw(m=16,efc=128,ef=64,dtype=f32)";
    private readonly RedisServer _redis = new();
    private readonly TempDirectory _temp = new();

    [SkippableFact]
    public async Task TwoSilos_HnswShards_RecallAtTenAgainstExact()
    {
        await _redis.EnsureStartedAsync();
        var (npy, ids) = SeededVectors.Write(_temp.Path, Items, Dimension, seed: 21);
        using var store = ExactOracle.Store(_temp.Combine("local"), npy, ids);
        using var exact = ExactOracle.Query(store);
        using var cluster = new LocalCluster(_redis.NewCluster("hnsw"), silos: 2);
        await cluster.StartAllAsync();

        await cluster.InitAsync(shards: 4, replicas: 2, index: Spec);
        await cluster.ImportAsync(npy, ids);
        var status = await LocalCluster.RunAsync("cluster", "status", "--cluster", cluster.Connection, "--json");
        Assert.True(status.ExitCode == 0, status.Output);
        var root = JsonDocument.Parse(status.Stdout).RootElement;
        Assert.Equal(Spec, root.GetProperty("index").GetString());
        Assert.Equal(Items, root.GetProperty("items").GetInt64());

        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection));
        int found = 0;
        for (int q = 0; q < Queries; q++)
        {
            float[] vector = SeededVectors.Unit(Dimension, seed: 77, stream: q);
            var truth = exact.Index.Search(vector, new SearchRequest(K)).Select(h => h.Id.Value).ToHashSet(StringComparer.Ordinal);
            var answer = await session.Search.SearchAsync(vector, K, [], exclude: null);
            Assert.Equal(K, answer.Count);
            found += answer.Count(r => truth.Contains(r.Id));
        }
        double recall = found / (double)(Queries * K);
        output.WriteLine($"cluster HNSW recall@{K}: {recall:0.000} ({Items:N0} items in 4 shards, {Spec}, {Queries} queries)");
        Assert.True(recall >= 0.95, $"cluster HNSW recall@{K} {recall:0.000} over {Queries} queries");

        // Every shard answered from a graph a replica built and cached beside its store (not from a brute-force scan).
        var withGraph = Enumerable.Range(0, 2).SelectMany(silo => Directory.GetDirectories(cluster.DataOf(silo), "shard-*"))
            .Where(shard => File.Exists(Path.Combine(shard, "index", "hnsw.usearch"))).Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(["shard-0000", "shard-0001", "shard-0002", "shard-0003"], withGraph.Order(StringComparer.Ordinal));
    }

    public void Dispose()
    {
        _temp.Dispose();
        _redis.Dispose();
    }
}
