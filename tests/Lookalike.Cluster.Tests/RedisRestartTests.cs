using System.Diagnostics;
using Lookalike.Cluster.Client;
using Lookalike.Hosting.Catalog;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// The Redis holding membership and the cluster's shape is SIGKILLed during a query stream and restarted (real silo
/// processes; Redis with an fsynced append-only file, as production should run it): queries keep being answered while
/// it is down, and once it is back the cluster takes writes and still answers exactly as a single store.
/// </summary>
[Collection(nameof(ClusterProcessTests))]
public sealed class RedisRestartTests(ITestOutputHelper output) : IDisposable
{
    private const int Items = 1_000, Grown = 1_300, Dimension = 37, Connections = 4, K = 10;
    private static readonly TimeSpan Stream = TimeSpan.FromSeconds(24), DownAt = TimeSpan.FromSeconds(4), UpAt = TimeSpan.FromSeconds(12);
    private readonly RedisServer _redis = new(persistent: true);
    private readonly TempDirectory _temp = new();

    [SkippableFact]
    public async Task RedisKilledDuringQueries_QueriesGoOn_AndTheClusterRecovers()
    {
        await _redis.EnsureStartedAsync();
        var (npy, ids) = SeededVectors.Write(_temp.Path, Items, Dimension, seed: 51);
        using var store = ExactOracle.Store(_temp.Combine("local"), npy, ids);
        using var cluster = new LocalCluster(_redis.NewCluster("redis-restart"), silos: 2);
        await cluster.StartAllAsync();
        await cluster.InitAsync(shards: 3, replicas: 2);
        await cluster.ImportAsync(npy, ids);
        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection));

        int answered = 0, failed = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        var queries = Enumerable.Range(0, Connections).Select(c => Task.Run(async () =>
        {
            for (int q = 0; clock.Elapsed < Stream; q++)
            {
                try
                {
                    var result = await session.Search.SimilarAsync(SeededVectors.Id((q * Connections + c) * 7 % Items), K, []);
                    Assert.Equal(K, result.Results.Count);
                    Interlocked.Increment(ref answered);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Interlocked.Increment(ref failed);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        })).ToArray();
        await Task.Delay(DownAt);
        _redis.Kill();
        await Task.Delay(UpAt - DownAt);
        await _redis.EnsureStartedAsync(); // same port, same append-only file
        await Task.WhenAll(queries);
        output.WriteLine($"{answered} answered, {failed} failed while Redis was down {(UpAt - DownAt).TotalSeconds:0} s of {Stream.TotalSeconds:0} s");
        Assert.True(failed * 1000 <= answered + failed, $"{failed} of {answered + failed} queries failed (more than 0.1%); first: {firstError}");
        Assert.True(answered > 0);

        // Back: writes are taken (stale marks and membership need Redis), status reads the membership, answers stay exact.
        var (npy2, ids2) = SeededVectors.Write(Directory.CreateDirectory(_temp.Combine("second")).FullName, Grown, Dimension, seed: 52);
        var import = await LocalCluster.RunAsync("vectors", "import", npy2, "--ids", ids2, "--cluster", cluster.Connection);
        Assert.True(import.ExitCode == 0, import.Output);
        VectorImporter.Import(store, npy2, ids2, "imported");
        var status = await ClusterStatus.ReadAsync(session.Client);
        Assert.Equal([LocalCluster.Name(0), LocalCluster.Name(1)], status.Silos.Where(s => s.Status == "Active").Select(s => s.Name));
        Assert.Equal(Grown, status.Items);
        using var local = ExactOracle.Query(store);
        await ClusterProcessTests.AssertEqualToLocalAsync(session, local, Grown);
    }

    public void Dispose()
    {
        _temp.Dispose();
        _redis.Dispose();
    }
}
