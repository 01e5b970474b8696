using System.Text.Json;
using Lookalike.Cluster.Client;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Query;
using Lookalike.TestKit;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// Real silo processes on loopback against a real Redis: the cluster's exact answers equal a single-machine store's
/// (ids, order, scores), before and after a silo is SIGKILLed, with writes while it is down, and after it rejoins and its
/// replicas copy what they missed (then serve alone).
/// </summary>
[Collection(nameof(ClusterProcessTests))]
public sealed class ClusterProcessTests : IDisposable
{
    private const int Items = 2_000, Grown = 2_500, Dimension = 37, K = 10;
    private readonly RedisServer _redis = new();
    private readonly TempDirectory _temp = new();

    [SkippableFact]
    public async Task ThreeSilos_ExactSearch_EqualsSingleStore_ThroughKillAndRejoin()
    {
        await _redis.EnsureStartedAsync();
        var (npy, ids) = SeededVectors.Write(_temp.Path, Items, Dimension, seed: 15);
        using var store = ExactOracle.Store(_temp.Combine("local"), npy, ids);
        using var local = ExactOracle.Query(store);
        using var cluster = new LocalCluster(_redis.NewCluster("equality"), silos: 3);
        await cluster.StartAllAsync();

        await cluster.InitAsync(shards: 5, replicas: 2);
        await cluster.ImportAsync(npy, ids);

        var status = await StatusAsync(cluster.Connection);
        Assert.Equal(Items, status.GetProperty("items").GetInt64());
        Assert.Equal(["silo1", "silo2", "silo3"], ActiveSilos(status));
        foreach (var shard in status.GetProperty("shards").EnumerateArray())
            Assert.All(shard.GetProperty("replicas").EnumerateArray(), r => Assert.Equal(shard.GetProperty("items").GetInt32(), r.GetProperty("items").GetInt32()));

        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection));
        await AssertEqualToLocalAsync(session, local);

        // The CLI verb prints exactly what the single-machine verb prints.
        var viaCluster = await LocalCluster.RunAsync("similar", SeededVectors.Id(42), "--cluster", cluster.Connection, "--json", "-k", "7");
        var viaStore = await LocalCluster.RunAsync("similar", SeededVectors.Id(42), "--store", _temp.Combine("local"), "--json", "-k", "7");
        Assert.True(viaCluster.ExitCode == 0, viaCluster.Output);
        Assert.Equal(viaStore.Stdout, viaCluster.Stdout);

        cluster.Kill(1); // SIGKILL silo2: every shard it held still has a replica elsewhere
        await AssertEqualToLocalAsync(session, local);

        // Writes while silo2 is down: new vectors for every item and 500 new items. Its replicas miss them.
        var (npy2, ids2) = SeededVectors.Write(Directory.CreateDirectory(_temp.Combine("second")).FullName, Grown, Dimension, seed: 16);
        var second = await LocalCluster.RunAsync("vectors", "import", npy2, "--ids", ids2, "--cluster", cluster.Connection);
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("missed these writes", second.Output);
        VectorImporter.Import(store, npy2, ids2, "imported");
        using var grown = ExactOracle.Query(store);
        await AssertEqualToLocalAsync(session, grown, Grown);

        await cluster.StartAsync(1); // same name, same --data: it rejoins with its replicas, which copy what they missed
        var rejoined = await StatusAsync(cluster.Connection);
        Assert.Equal(["silo1", "silo2", "silo3"], ActiveSilos(rejoined));
        // The killed incarnation is still in the membership table; status lists each silo once, as it is now.
        Assert.Equal(["silo1", "silo2", "silo3"], rejoined.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
        foreach (var shard in rejoined.GetProperty("shards").EnumerateArray())
            Assert.All(shard.GetProperty("replicas").EnumerateArray(), r => Assert.Equal("ok", r.GetProperty("status").GetString()));
        Assert.Equal(Grown, rejoined.GetProperty("items").GetInt64());
        foreach (var shard in rejoined.GetProperty("shards").EnumerateArray())
            Assert.All(shard.GetProperty("replicas").EnumerateArray(), r => Assert.Equal(shard.GetProperty("items").GetInt32(), r.GetProperty("items").GetInt32()));

        // Only silo2's caught-up replicas now hold the shards it shares with silo1 (replica r of shard s on silo (s + r) mod 3).
        cluster.Kill(0);
        await using var fresh = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection));
        await AssertEqualToLocalAsync(fresh, grown, Grown);
    }

    [SkippableFact]
    public async Task Connect_NoSiloInTheCluster_IsAClearErrorNamingIt()
    {
        await _redis.EnsureStartedAsync();
        string connection = _redis.NewCluster("nobody");
        var e = await Assert.ThrowsAsync<LookalikeException>(() => ClusterSession.OpenAsync(ClusterConnection.Parse(connection)));
        Assert.Equal(LookalikeErrorKind.StoreUnavailable, e.Kind);
        Assert.Contains("No Lookalike cluster answers", e.Message);
        Assert.Contains(ClusterConnection.Parse(connection).ToString(), e.Message);

        var cli = await LocalCluster.RunAsync("similar", "x", "--cluster", connection);
        Assert.Equal(2, cli.ExitCode);
        Assert.Contains("error: No Lookalike cluster answers", cli.Output);
    }

    public void Dispose()
    {
        _temp.Dispose();
        _redis.Dispose();
    }

    /// <summary>Item queries and outside-vector queries: the same ids, in the same order, with bit-identical scores.</summary>
    internal static async Task AssertEqualToLocalAsync(ClusterSession session, QueryService local, int items = Items)
    {
        for (int row = 0; row < items; row += 97)
        {
            string id = SeededVectors.Id(row);
            var expected = local.Similar(id, K);
            var actual = await session.Search.SimilarAsync(id, K, []);
            Assert.Equal(expected.Results.Select(r => (r.Rank, r.Id, r.Score)), actual.Results.Select(r => (r.Rank, r.Id, r.Score)));
        }
        for (int q = 0; q < 10; q++)
        {
            float[] vector = SeededVectors.Unit(Dimension, seed: 99, stream: q);
            var expected = local.Index.Search(vector, new SearchRequest(K));
            var actual = await session.Search.SearchAsync(vector, K, [], exclude: null);
            Assert.Equal(expected.Select(h => (h.Id.Value, h.Score)), actual.Select(r => (r.Id, r.Score)));
        }
    }

    private static async Task<JsonElement> StatusAsync(string connection)
    {
        var status = await LocalCluster.RunAsync("cluster", "status", "--cluster", connection, "--json");
        Assert.True(status.ExitCode == 0, status.Output);
        return JsonDocument.Parse(status.Stdout).RootElement.Clone();
    }

    private static string[] ActiveSilos(JsonElement status) =>
        [.. status.GetProperty("silos").EnumerateArray().Where(s => s.GetProperty("status").GetString() == "Active").Select(s => s.GetProperty("name").GetString()!).Order(StringComparer.Ordinal)];
}
