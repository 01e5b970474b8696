using System.Text.Json.Serialization;
using Lookalike.Cluster.Contracts;

namespace Lookalike.Cluster.Client;

/// <summary>
/// <c>verify --cluster</c>: checks every replica's store on its own silo, as <c>lookalike verify</c> checks a local store,
/// and (unless asked not to) replaces each damaged replica with a copy from a healthy replica of the same shard, keeping
/// the damaged folder aside. A shard with no healthy replica left is reported, never emptied.
/// </summary>
public static class ClusterVerifier
{
    public static async Task<ClusterVerifyReport> VerifyAsync(ClusterSession session, bool repair)
    {
        ArgumentNullException.ThrowIfNull(session);
        var shape = await session.Router.ShapeAsync(refresh: true);
        var active = await session.Router.ActiveSilosAsync(refresh: true);
        var shards = await Task.WhenAll(Enumerable.Range(0, shape.Shards).Select(async shard =>
        {
            var checks = await Task.WhenAll(shape.ReplicasOf(shard).Select(replica => CheckAsync(session.Client, replica, active)));
            if (!repair || !checks.Any(c => c.Status == ReplicaHealth.Damaged)) return checks;
            if (!checks.Any(c => c.Status == ReplicaHealth.Healthy))
            {
                return [.. checks.Select(c => c.Status == ReplicaHealth.Damaged
                    ? c with { Repair = "not repaired: no healthy replica of this shard to copy from" } : c)];
            }
            return await Task.WhenAll(checks.Select(c => c.Status == ReplicaHealth.Damaged ? RepairAsync(session.Client, c) : Task.FromResult(c)));
        }));
        return new ClusterVerifyReport([.. shards.SelectMany(s => s)]);
    }

    private static async Task<ReplicaCheck> CheckAsync(LookalikeClusterClient client, ReplicaKey replica, IReadOnlySet<string> active)
    {
        if (!active.Contains(replica.Silo)) return new ReplicaCheck(replica.Shard, replica.Silo, ReplicaHealth.Unavailable, ["the silo is not an active member of the cluster"]);
        try
        {
            string[] errors = await MessagingRetry.RunAsync(() => client.Replica(replica).Verify());
            return new ReplicaCheck(replica.Shard, replica.Silo, errors.Length == 0 ? ReplicaHealth.Healthy : ReplicaHealth.Damaged, errors);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ReplicaCheck(replica.Shard, replica.Silo, ReplicaHealth.Unavailable, [$"{e.GetType().Name}: {e.Message}"]);
        }
    }

    private static async Task<ReplicaCheck> RepairAsync(LookalikeClusterClient client, ReplicaCheck damaged)
    {
        try
        {
            var done = await client.Replica(new ReplicaKey(damaged.Silo, damaged.Shard)).Repair();
            return damaged with
            {
                Status = done.CaughtUp ? ReplicaHealth.Repaired : ReplicaHealth.Damaged,
                Repair = done.CaughtUp
                    ? $"re-copied from a healthy replica: {done.Items:N0} items; the damaged store is kept at {done.KeptAt}"
                    : $"the damaged store is kept at {done.KeptAt}; the copy has not finished, the replica catches up on its own",
            };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return damaged with { Repair = $"repair failed: {e.Message}" };
        }
    }
}

[JsonConverter(typeof(JsonStringEnumConverter<ReplicaHealth>))]
public enum ReplicaHealth
{
    [JsonStringEnumMemberName("healthy")] Healthy,
    [JsonStringEnumMemberName("damaged")] Damaged,
    [JsonStringEnumMemberName("repaired")] Repaired,
    [JsonStringEnumMemberName("unavailable")] Unavailable,
}

/// <summary>One replica as <c>verify --cluster</c> found it (and what it did about it).</summary>
public sealed record ReplicaCheck(
    [property: JsonPropertyName("shard")] int Shard,
    [property: JsonPropertyName("silo")] string Silo,
    [property: JsonPropertyName("status")] ReplicaHealth Status,
    [property: JsonPropertyName("problems")] IReadOnlyList<string> Problems,
    [property: JsonPropertyName("repair")] string? Repair = null);

public sealed record ClusterVerifyReport([property: JsonPropertyName("replicas")] IReadOnlyList<ReplicaCheck> Replicas)
{
    /// <summary>Every replica healthy, or repaired in this run.</summary>
    [JsonPropertyName("healthy")]
    public bool Healthy => Replicas.All(r => r.Status is ReplicaHealth.Healthy or ReplicaHealth.Repaired);
}
