using Lookalike.Cluster.Contracts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lookalike.Cluster.Silo;

/// <summary>
/// Runs on every silo: every <see cref="Period"/> it asks the shape grain to move replicas off silos gone past the grace
/// period (<see cref="IClusterShapeGrain.Rebalance"/>), then wakes each replica the shape places on this silo, so one that
/// missed writes or was just moved here copies its shard now rather than on the first query that reaches it.
/// </summary>
internal sealed class ReplicaKeeper(IGrainFactory grains, SiloData silo, ILogger<ReplicaKeeper> log) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var shape = await grains.GetGrain<IClusterShapeGrain>(ClusterShape.GrainKey).Rebalance(silo.RebuildAfter);
                if (shape is null) continue;
                for (int shard = 0; shard < shape.Shards; shard++)
                {
                    if (!shape.Placement[shard].Contains(silo.Name)) continue;
                    await grains.GetGrain<IShardReplicaGrain>(new ReplicaKey(silo.Name, shard).ToString()).Status();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The shape grain or a replica may be moving after a silo died; the next tick tries again.
                log.LogWarning("Replica upkeep on {Silo} failed this round: {Error}", silo.Name, e.Message);
            }
        }
    }
}
