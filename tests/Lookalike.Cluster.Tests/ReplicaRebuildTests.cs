using Lookalike.Cluster.Client;
using Lookalike.Hosting.Catalog;
using Lookalike.TestKit;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// R is restored when a silo stays gone past the grace period (real silo processes, real Redis): its replicas are
/// rebuilt by copying on the silos left, a client holding the old shape follows the move for reads and writes, and the
/// rebuilt copies alone then answer exactly as a single store does.
/// </summary>
[Collection(nameof(ClusterProcessTests))]
public sealed class ReplicaRebuildTests : IDisposable
{
    private const int Items = 1_200, Grown = 1_500, Dimension = 37; // the dimension ClusterProcessTests.AssertEqualToLocalAsync queries with
    private static readonly TimeSpan RebuildLimit = TimeSpan.FromSeconds(150);
    private readonly RedisServer _redis = new();
    private readonly TempDirectory _temp = new();

    [SkippableFact]
    public async Task SiloGonePastGrace_ItsReplicasAreRebuiltOnTheOthers_AndServeAlone()
    {
        await _redis.EnsureStartedAsync();
        var (npy, ids) = SeededVectors.Write(_temp.Path, Items, Dimension, seed: 31);
        using var store = ExactOracle.Store(_temp.Combine("local"), npy, ids);
        using var cluster = new LocalCluster(_redis.NewCluster("rebuild"), silos: 3, "--rebuild-after", "2");
        await cluster.StartAllAsync();
        await cluster.InitAsync(shards: 3, replicas: 2);
        await cluster.ImportAsync(npy, ids);
        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection));
        long before = session.Shape.Version;
        Assert.Contains(session.Shape.Placement, p => p.Contains(LocalCluster.Name(1)));

        cluster.Kill(1); // silo2 never comes back: every shard it held moves to the one silo that does not hold it yet
        var rebuilt = await WaitForAsync(session.Client, status =>
            status.Shards.All(s => s.Replicas.Count == 2 && s.Replicas.All(r => r.Silo != LocalCluster.Name(1) && r.Status == "ok" && r.Items == s.Items))
            && status.Items == Items);
        Assert.All(rebuilt.Shards, s => Assert.Equal([LocalCluster.Name(0), LocalCluster.Name(2)], s.Replicas.Select(r => r.Silo).Order(StringComparer.Ordinal)));

        // The session still holds the shape it opened with; it writes through the new placement all the same.
        Assert.Equal(before, session.Shape.Version);
        var (npy2, ids2) = SeededVectors.Write(Directory.CreateDirectory(_temp.Combine("second")).FullName, Grown, Dimension, seed: 32);
        await session.Writer.UpsertAsync([.. VectorImporter.ReadItems(npy2, ids2, "imported").SelectMany(batch => batch.Items)]);
        Assert.True(session.Shape.Version > before);
        VectorImporter.Import(store, npy2, ids2, "imported");

        // Only the rebuilt silos are left, then only silo1, which holds every shard now: still the single store's answers.
        using var local = ExactOracle.Query(store);
        await ClusterProcessTests.AssertEqualToLocalAsync(session, local, Grown);
        cluster.Kill(2);
        await ClusterProcessTests.AssertEqualToLocalAsync(session, local, Grown);
    }

    public void Dispose()
    {
        _temp.Dispose();
        _redis.Dispose();
    }

    private static async Task<ClusterStatus> WaitForAsync(LookalikeClusterClient client, Func<ClusterStatus, bool> done)
    {
        var started = DateTime.UtcNow;
        ClusterStatus? last = null;
        while (DateTime.UtcNow - started < RebuildLimit)
        {
            try
            {
                last = await ClusterStatus.ReadAsync(client);
                if (done(last)) return last;
            }
            catch (Exception e) when (e is not OperationCanceledException) { } // the killed silo's grains are moving
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Assert.Fail($"Replicas were not rebuilt within {RebuildLimit.TotalSeconds:0} s; last status: {System.Text.Json.JsonSerializer.Serialize(last)}");
        return last!;
    }
}
