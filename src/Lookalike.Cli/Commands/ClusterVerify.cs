using Lookalike.Cli.Output;
using Lookalike.Cluster;
using Lookalike.Cluster.Client;

namespace Lookalike.Cli.Commands;

/// <summary><c>verify --cluster</c>: every replica's store checked on its silo; damaged ones named and re-copied from a healthy replica.</summary>
internal static class ClusterVerify
{
    public static async Task<int> RunAsync(string connection, bool repair, bool json, CancellationToken cancellationToken)
    {
        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(connection), cancellationToken);
        var report = await ClusterVerifier.VerifyAsync(session, repair);
        if (json)
        {
            JsonOutput.WriteLine(report);
        }
        else
        {
            foreach (var replica in report.Replicas)
            {
                Console.Out.WriteLine($"shard {replica.Shard} on {replica.Silo}: {replica.Status.ToString().ToLowerInvariant()}");
                foreach (string problem in replica.Problems) Console.Out.WriteLine($"    {problem}");
                if (replica.Repair is { } done) Console.Out.WriteLine($"    repair: {done}");
            }
            int bad = report.Replicas.Count(r => r.Status is not (ReplicaHealth.Healthy or ReplicaHealth.Repaired));
            Console.Out.WriteLine(report.Healthy ? $"healthy: {report.Replicas.Count} replicas" : $"UNHEALTHY: {bad} of {report.Replicas.Count} replicas");
        }
        return report.Healthy ? CommandRunner.Ok : CommandRunner.BadInput;
    }
}
