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
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(ConnectTimeout);
        Exception? last = null;
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = ClusterConnection.ServiceId;
                o.ClusterId = connection.Name;
            });
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(30));
            client.UseRedisClustering(o => o.ConfigurationOptions = connection.RedisOptions());
            client.UseConnectionRetryFilter(async (exception, token) =>
            {
                last = exception;
                if (deadline.IsCancellationRequested) return false;
                try { await Task.Delay(TimeSpan.FromMilliseconds(250), token); }
                catch (OperationCanceledException) { return false; }
                return !deadline.IsCancellationRequested;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(deadline.Token);
            return new LookalikeClusterClient(host, connection);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            string why = (last ?? e).Message;
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable,
                $"No Lookalike cluster answers at {connection} (tried for {ConnectTimeout.TotalSeconds:0} s): {why} Start silos with `lookalike silo --cluster {connection}`.",
                connection.ToString(), e);
        }
    }

    /// <summary>The recorded shape.</summary>
    /// <exception cref="LookalikeException">NotFound when <c>lookalike cluster init</c> has not run.</exception>
    public async Task<ClusterShape> ShapeAsync() =>
        await Grains.GetGrain<IClusterShapeGrain>(ClusterShape.GrainKey).Read()
        ?? throw LookalikeException.NotFound(Connection.ToString(), $"The cluster at {Connection} has no shape yet; run `lookalike cluster init --cluster {Connection} --shards S --replicas R --model M`.");

    /// <exception cref="LookalikeException">InvalidArgument: a shape the cluster cannot take, or another one than recorded.</exception>
    public async Task<ClusterShape> InitAsync(int shards, int replicas, string model)
    {
        if (string.IsNullOrWhiteSpace(model)) throw LookalikeException.InvalidArgument("model", "--model must name the cluster's model.");
        try
        {
            return await Grains.GetGrain<IClusterShapeGrain>(ClusterShape.GrainKey).Init(shards, replicas, model);
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
        return hosts.Select(h => new SiloView(h.SiloName, h.SiloAddress.Endpoint.ToString(), h.Status.ToString()))
            .OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Status == "Active" ? 0 : 1).ToList();
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
