using System.Net;
using Lookalike.Cluster.Placement;
using Lookalike.Cluster.Silo;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Lookalike.Cluster;

/// <summary>What <c>lookalike silo</c> runs: one Orleans silo with Redis membership, holding shard replicas on its disk.</summary>
/// <param name="RebuildAfter">How long a silo may be gone before its replicas are rebuilt on the others (default <see cref="LookalikeSilo.DefaultRebuildAfter"/>).</param>
public sealed record SiloSettings(ClusterConnection Cluster, string DataDirectory, string Name, IPAddress Address, int SiloPort, int GatewayPort, TimeSpan? RebuildAfter = null);

/// <summary>Builds the silo host: membership and grain storage in Redis, replicas pinned to the silo named in their key.</summary>
public static class LookalikeSilo
{
    /// <summary>The grain storage holding the cluster's shape.</summary>
    public const string StorageName = "lookalike-cluster";

    /// <summary>Long enough for a restart or a reboot to come back without copying; short enough that a lost machine
    /// leaves its shards with one replica fewer for minutes, not hours.</summary>
    public static readonly TimeSpan DefaultRebuildAfter = TimeSpan.FromMinutes(5);

    public static IHost Build(SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(settings.DataDirectory);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<SiloEmbedder>();
        builder.Services.AddSingleton(new SiloData(settings.Name, Path.GetFullPath(settings.DataDirectory), settings.RebuildAfter ?? DefaultRebuildAfter));
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ServiceId = settings.Cluster.ServiceId;
                o.ClusterId = settings.Cluster.Name;
            });
            silo.Configure<SiloOptions>(o => o.SiloName = settings.Name);
            silo.ConfigureEndpoints(settings.Address, settings.SiloPort, settings.GatewayPort);
            silo.UseRedisClustering(o => o.ConfigurationOptions = settings.Cluster.RedisOptions());
            silo.AddRedisGrainStorage(StorageName, o => o.ConfigurationOptions = settings.Cluster.RedisOptions());
            silo.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        });
        builder.Services.AddHostedService<ReplicaKeeper>(); // after the silo: it calls grains
        return builder.Build();
    }
}
