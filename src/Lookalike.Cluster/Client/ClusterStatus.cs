using System.Text.Json.Serialization;
using Lookalike.Cluster.Contracts;

namespace Lookalike.Cluster.Client;

/// <summary>What <c>cluster status --json</c> prints: silos from the membership table, each shard's replicas with their item counts
/// and status (<c>ok</c>, <c>catching-up</c> after missed writes, <c>unavailable</c>).</summary>
public sealed record ClusterStatus(
    [property: JsonPropertyName("silos")] IReadOnlyList<SiloView> Silos,
    [property: JsonPropertyName("shards")] IReadOnlyList<ShardStatus> Shards,
    [property: JsonPropertyName("items")] long Items,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("replicas")] int Replicas,
    [property: JsonPropertyName("index")] string Index)
{
    /// <summary>Asks every replica (in parallel) for its count; an unreachable replica shows <c>status: unavailable</c>.</summary>
    public static async Task<ClusterStatus> ReadAsync(LookalikeClusterClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var shape = await client.ShapeAsync();
        // The management grain may live on a silo that just died (not yet declared dead): retry like reads do.
        var silos = await MessagingRetry.RunAsync(client.SilosAsync);
        var active = silos.Where(s => s.Status == "Active").Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var shards = await Task.WhenAll(Enumerable.Range(0, shape.Shards).Select(async shard =>
        {
            var replicas = await Task.WhenAll(shape.ReplicasOf(shard).Select(async key =>
            {
                if (!active.Contains(key.Silo)) return new ReplicaView(key.Silo, "unavailable", null);
                try
                {
                    var status = await client.Replica(key).Status();
                    return new ReplicaView(key.Silo, status.Stale ? "catching-up" : "ok", status.Items);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    return new ReplicaView(key.Silo, "unavailable", null);
                }
            }));
            // A shard's item count is what its fresh replicas report (one that missed writes may have fewer).
            return new ShardStatus(shard, replicas, replicas.Where(r => r.Status == "ok").Max(r => r.Items) ?? 0);
        }));
        return new ClusterStatus(silos, shards, shards.Sum(s => (long)s.Items), shape.Model, shape.Replicas, shape.IndexOrExact);
    }
}

public sealed record ShardStatus(
    [property: JsonPropertyName("id")] int Id,
    [property: JsonPropertyName("replicas")] IReadOnlyList<ReplicaView> Replicas,
    [property: JsonPropertyName("items")] int Items);

public sealed record ReplicaView(
    [property: JsonPropertyName("silo")] string Silo,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("items")] int? Items);
