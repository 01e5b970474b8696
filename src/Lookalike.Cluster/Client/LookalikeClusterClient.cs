using Lookalike.Core.Search;
using Lookalike.Cluster.Contracts;
using Lookalike.Core.Errors;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Lookalike.Cluster.Client;

/// <summary>
/// A connection to a running cluster (an Orleans client over the cluster's Redis membership): the cluster's shape,
/// its silos and the shard replicas' grains. What every <c>--cluster</c> command opens. Thread-safe.
/// </summary>
public sealed class LookalikeClusterClient : IAsyncDisposable
{
    /// <summary>How long connecting may take before a clear error: no silo, or no Redis, answers.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The most a client start may take in all (a machine so loaded that it starts slower is an error too).</summary>
    public static readonly TimeSpan StartCap = TimeSpan.FromSeconds(60);

    private readonly IHost _host;

    private LookalikeClusterClient(IHost host, ClusterConnection connection)
    {
        _host = host;
        Connection = connection;
        Grains = host.Services.GetRequiredService<IClusterClient>();
    }

    public ClusterConnection Connection { get; }

    public IClusterClient Grains { get; }

    /// <exception cref="LookalikeException">StoreUnavailable naming the cluster when no silo answers within <see cref="ConnectTimeout"/>.</exception>
    public static async Task<LookalikeClusterClient> ConnectAsync(ClusterConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.None);
        // The 10 s run from the first failed attempt (no gateway listed, none reachable, no Redis), so a slow start on a
        // busy machine is not mistaken for an absent cluster; an overall cap keeps a hung start bounded too.
        using var overall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overall.CancelAfter(StartCap);
        Exception? last = null;
        long? firstFailure = null;
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = connection.ServiceId;
                o.ClusterId = connection.Name;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
            client.UseRedisClustering(o => o.ConfigurationOptions = connection.RedisOptions());
            client.UseConnectionRetryFilter(async (exception, token) =>
            {
                last = exception;
                firstFailure ??= Environment.TickCount64;
                if (Environment.TickCount64 - firstFailure.Value >= (long)ConnectTimeout.TotalMilliseconds) return false;
                try { await Task.Delay(TimeSpan.FromMilliseconds(250), token); }
                catch (OperationCanceledException) { return false; }
                return true;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(overall.Token);
            return new LookalikeClusterClient(host, connection);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            string why = last is null ? $"the client did not start within {StartCap.TotalSeconds:0} s ({e.Message})" : $"tried for {ConnectTimeout.TotalSeconds:0} s: {last.Message}";
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable,
                $"No Lookalike cluster answers at {connection} ({why}). Start silos with `lookalike silo --cluster {connection}`.",
                connection.ToString(), e);
        }
    }

    /// <summary>The recorded shape.</summary>
    /// <exception cref="LookalikeException">NotFound when <c>lookalike cluster init</c> has not run.</exception>
    public async Task<ClusterShape> ShapeAsync() =>
        await MessagingRetry.RunAsync(() => Grains.GetGrain<IClusterShapeGrain>(ClusterShape.GrainKey).Read())
        ?? throw LookalikeException.NotFound(Connection.ToString(), $"The cluster at {Connection} has no shape yet; run `lookalike cluster init --cluster {Connection} --shards S --replicas R --model M`.");

    /// <exception cref="LookalikeException">InvalidArgument: a shape the cluster cannot take, or another one than recorded.</exception>
    public async Task<ClusterShape> InitAsync(int shards, int replicas, string model, string index = "auto")
    {
        if (string.IsNullOrWhiteSpace(model)) throw LookalikeException.InvalidArgument("model", "--model must name the cluster's model.");
        string spec = IndexSpec.Parse(index).ToString(); // a clear error for a bad spec before anything is recorded
        try
        {
            return await Grains.GetGrain<IClusterShapeGrain>(ClusterShape.GrainKey).Init(shards, replicas, model, spec);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentOutOfRangeException)
        {
            throw LookalikeException.InvalidArgument("cluster", e.Message);
        }
    }

    public IShardReplicaGrain Replica(ReplicaKey key) => Grains.GetGrain<IShardReplicaGrain>(key.ToString());

    /// <summary>Silos in the membership table (Redis), with their status: Active, Dead, Joining, ShuttingDown…</summary>
    public async Task<IReadOnlyList<SiloView>> SilosAsync()
    {
        var hosts = await Grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
        // A silo restarted under the same name leaves its dead incarnation in the membership table: show each name once,
        // as its newest incarnation (highest generation) is.
        return hosts.GroupBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(g => g.MaxBy(h => h.SiloAddress.Generation)!)
            .Select(h => new SiloView(h.SiloName, h.SiloAddress.Endpoint.ToString(), h.Status.ToString()))
            .OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        try { await _host.StopAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception e) when (e is OperationCanceledException or OrleansException) { }
        _host.Dispose();
    }
}

/// <summary>One silo as <c>cluster status</c> shows it.</summary>
public sealed record SiloView(
    [property: System.Text.Json.Serialization.JsonPropertyName("name")] string Name,
    [property: System.Text.Json.Serialization.JsonPropertyName("address")] string Address,
    [property: System.Text.Json.Serialization.JsonPropertyName("status")] string Status);
