using System.Text.Json;
using Lookalike.Cluster.Client;
using Lookalike.TestKit;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// <c>verify --cluster</c> on real silo processes: a replica whose vector bytes changed on disk is named, re-copied from
/// the healthy replica (the damaged store kept aside), and then answers alone exactly as a single store does.
/// </summary>
[Collection(nameof(ClusterProcessTests))]
public sealed class ClusterVerifyTests : IDisposable
{
    private const int Items = 800, Dimension = 37;
    private readonly RedisServer _redis = new();
    private readonly TempDirectory _temp = new();

    [SkippableFact]
    public async Task DamagedReplica_IsNamed_ThenRecopiedFromTheHealthyOne()
    {
        await _redis.EnsureStartedAsync();
        var (npy, ids) = SeededVectors.Write(_temp.Path, Items, Dimension, seed: 41);
        using var store = ExactOracle.Store(_temp.Combine("local"), npy, ids);
        using var local = ExactOracle.Query(store);
        using var cluster = new LocalCluster(_redis.NewCluster("verify"), silos: 2);
        await cluster.StartAllAsync();
        await cluster.InitAsync(shards: 2, replicas: 2);
        await cluster.ImportAsync(npy, ids);

        var healthy = await LocalCluster.RunAsync("verify", "--cluster", cluster.Connection);
        Assert.True(healthy.ExitCode == 0, healthy.Output);
        Assert.Contains("healthy: 4 replicas", healthy.Stdout);

        // Flip the last vector's bytes in silo1's replica of shard 1 (the store stays open on the running silo).
        string damaged = Path.Combine(cluster.DataOf(0), "shard-0001", "vectors.f32");
        using (var file = new FileStream(damaged, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            file.Position = file.Length - 8;
            file.Write(new byte[8].Select(_ => (byte)0x5A).ToArray());
        }

        var found = await LocalCluster.RunAsync("verify", "--cluster", cluster.Connection, "--no-repair", "--json");
        Assert.True(found.ExitCode == 2, found.Output);
        var replicas = JsonDocument.Parse(found.Stdout).RootElement.GetProperty("replicas").EnumerateArray().ToArray();
        var bad = Assert.Single(replicas, r => r.GetProperty("status").GetString() != "healthy");
        Assert.Equal(("damaged", 1, "silo1"), (bad.GetProperty("status").GetString(), bad.GetProperty("shard").GetInt32(), bad.GetProperty("silo").GetString()));
        Assert.Contains("checksum", bad.GetProperty("problems")[0].GetString());

        var repaired = await LocalCluster.RunAsync("verify", "--cluster", cluster.Connection, "--json");
        Assert.True(repaired.ExitCode == 0, repaired.Output);
        var fixedReplica = Assert.Single(JsonDocument.Parse(repaired.Stdout).RootElement.GetProperty("replicas").EnumerateArray(), r => r.GetProperty("status").GetString() == "repaired");
        Assert.Contains("re-copied from a healthy replica", fixedReplica.GetProperty("repair").GetString());
        Assert.Single(Directory.GetDirectories(cluster.DataOf(0), "shard-0001.damaged-*")); // kept, not deleted

        var after = await LocalCluster.RunAsync("verify", "--cluster", cluster.Connection);
        Assert.True(after.ExitCode == 0, after.Output);
        Assert.Contains("healthy: 4 replicas", after.Stdout);

        cluster.Kill(1); // silo1's repaired copy now answers alone
        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection));
        await ClusterProcessTests.AssertEqualToLocalAsync(session, local, Items);
    }

    public void Dispose()
    {
        _temp.Dispose();
        _redis.Dispose();
    }
}
