using Lookalike.Cli.Output;
using Lookalike.Cluster;
using Lookalike.Cluster.Client;
using Lookalike.Core.Errors;

namespace Lookalike.Cli.Commands;

/// <summary><c>similar --cluster</c>: the same output as against a local store, answered by scatter-gather over the cluster's shards.</summary>
internal static class ClusterSimilar
{
    public static async Task<int> RunAsync(string connection, string? single, string? batchFile, int k, IReadOnlyList<string> where, bool json, CancellationToken cancellationToken)
    {
        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(connection), cancellationToken);
        if (single is not null)
        {
            var result = await session.Search.SimilarAsync(single, k, where);
            if (json) JsonOutput.WriteLine(result);
            else ResultTable.Write(result);
            return CommandRunner.Ok;
        }
        int failed = 0;
        foreach (string query in await SimilarCommand.ReadBatchAsync(batchFile!, cancellationToken))
        {
            try
            {
                var result = await session.Search.SimilarAsync(query, k, where);
                if (json) JsonOutput.WriteLine(result);
                else ResultTable.Write(result);
            }
            catch (LookalikeException e)
            {
                failed++;
                if (json) JsonOutput.WriteLine(new { query = new { kind = "unknown", path = query }, error = new { kind = e.Kind.ToString(), message = e.Message } });
                else await Console.Error.WriteLineAsync($"error: {query}: {e.Message}");
            }
        }
        if (failed > 0) await Console.Error.WriteLineAsync($"{failed} quer{(failed == 1 ? "y" : "ies")} failed");
        return failed > 0 ? CommandRunner.BadInput : CommandRunner.Ok;
    }
}
