using System.Text.Json;
using Lookalike.Cluster.Client;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Query;
using Lookalike.TestKit;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// Real silo processes on loopback against a real Redis: the cluster's exact answers equal a single-machine store's
/// (ids, order, scores), before and after a silo is SIGKILLed, and after it rejoins with its data.
/// </summary>
[Collection(nameof(ClusterProcessTests))]
public sealed class ClusterProcessTests : IDisposable
{
    private const int Items = 2_000, Dimension = 37, K = 10;
    private readonly RedisServer _redis = new();
    private readonly TempDirectory _temp = new();

    [SkippableFact]
    public async Task ThreeSilos_ExactSearch_EqualsSingleStore_ThroughKillAndRejoin()
    {
        await _redis.EnsureStartedAsync();
        var (npy, ids) = SeededVectors.Write(_temp.Path, Items, Dimension, seed: 15);
        using var store = LookalikeComponents.OpenStore(_temp.Combine("local"), create: true);
        VectorImporter.Import(store, npy, ids, "imported");
        using var local = QueryService.Open(store, LookalikeComponents.CreateDecoder(), () => throw new InvalidOperationException("no photos here"),
            new QueryOptions { Index = IndexSpec.Exact });
        using var cluster = new LocalCluster(_redis.NewCluster("equality"), silos: 3);
        await cluster.StartAllAsync();

        var init = await LocalCluster.RunAsync("cluster", "init", "--cluster", cluster.Connection, "--shards", "5", "--replicas", "2", "--model", "imported");
        Assert.True(init.ExitCode == 0, init.Output);
        var import = await LocalCluster.RunAsync("vectors", "import", npy, "--ids", ids, "--cluster", cluster.Connection);
        Assert.True(import.ExitCode == 0, import.Output);

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

        await cluster.StartAsync(1); // same name, same --data: it rejoins with its replicas
        var rejoined = await StatusAsync(cluster.Connection);
        Assert.Equal(["silo1", "silo2", "silo3"], ActiveSilos(rejoined));
        // The killed incarnation is still in the membership table; status lists each silo once, as it is now.
        Assert.Equal(["silo1", "silo2", "silo3"], rejoined.GetProperty("silos").EnumerateArray().Select(s => s.GetProperty("name").GetString()!));
        foreach (var shard in rejoined.GetProperty("shards").EnumerateArray())
            Assert.All(shard.GetProperty("replicas").EnumerateArray(), r => Assert.Equal("ok", r.GetProperty("status").GetString()));
        Assert.Equal(Items, rejoined.GetProperty("items").GetInt64());
        await using var fresh = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection));
        await AssertEqualToLocalAsync(fresh, local);
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
    private static async Task AssertEqualToLocalAsync(ClusterSession session, QueryService local)
    {
        for (int row = 0; row < Items; row += 97)
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
