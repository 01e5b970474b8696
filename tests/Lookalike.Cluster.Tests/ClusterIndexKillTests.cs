using System.Text.Json;
using Lookalike.Cluster.Client;
using Lookalike.Hosting;
using Lookalike.TestKit;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// <c>index DIR --cluster</c> with a silo SIGKILLed mid-run (real silo processes embedding the real sample photos): no
/// photo is lost — every one is in the cluster, on every live replica — and running the command again embeds nothing.
/// </summary>
[Collection(nameof(ClusterProcessTests))]
public sealed class ClusterIndexKillTests : IDisposable
{
    private readonly RedisServer _redis = new();
    private readonly TempDirectory _temp = new();

    [SkippableFact]
    public async Task SiloKilledMidIndex_NoPhotoIsLost_AndTheRerunEmbedsNothing()
    {
        await _redis.EnsureStartedAsync();
        string catalog = _temp.Combine("catalog");
        Directory.CreateDirectory(catalog);
        var photos = RepositoryPaths.SampleImages();
        foreach (string photo in photos) File.Copy(photo, Path.Combine(catalog, Path.GetFileName(photo)));
        using var cluster = new LocalCluster(_redis.NewCluster("index-kill"), silos: 3);
        await cluster.StartAllAsync();
        await cluster.InitAsync(shards: 3, replicas: 2, model: LookalikeComponents.DefaultModel, index: "auto");

        using (var index = ChildProcess.Lookalike("index", catalog, "--cluster", cluster.Connection, "--json"))
        {
            // The progress line (every 5 s when not a terminal) says the silos are embedding: kill one of them now.
            string line = await index.WaitForLineAsync(l => l.StartsWith("indexing on the silos", StringComparison.Ordinal), TimeSpan.FromSeconds(300));
            Assert.DoesNotContain($"{photos.Count:N0}/{photos.Count:N0}", line); // still running when the silo dies
            cluster.Kill(1);
            int code = await index.ExitAsync(TimeSpan.FromSeconds(600));
            Assert.True(code == 0, index.Output);
            var summary = JsonDocument.Parse(index.Stdout).RootElement;
            Assert.Equal((photos.Count, photos.Count), (summary.GetProperty("files").GetInt32(), summary.GetProperty("added").GetInt32()));
        }

        await using (var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection)))
        {
            var status = await ClusterStatus.ReadAsync(session.Client);
            Assert.Equal(photos.Count, status.Items);
            foreach (var shard in status.Shards)
                Assert.All(shard.Replicas.Where(r => r.Silo != LocalCluster.Name(1)), r => Assert.Equal(shard.Items, r.Items));
        }

        var again = await LocalCluster.RunAsync("index", catalog, "--cluster", cluster.Connection, "--json");
        Assert.True(again.ExitCode == 0, again.Output);
        var rerun = JsonDocument.Parse(again.Stdout).RootElement;
        Assert.Equal((0, 0, photos.Count), (rerun.GetProperty("added").GetInt32(), rerun.GetProperty("updated").GetInt32(), rerun.GetProperty("unchanged").GetInt32()));
    }

    public void Dispose()
    {
        _temp.Dispose();
        _redis.Dispose();
    }
}
