using Lookalike.Cli.Output;
using Lookalike.Cluster;
using Lookalike.Cluster.Client;
using Lookalike.Hosting.Catalog;

namespace Lookalike.Cli.Commands;

/// <summary><c>vectors import --cluster</c>: the file is read here, and each batch goes to its shards' live replicas.</summary>
internal static class ClusterImport
{
    public static async Task<int> RunAsync(string connection, string npy, string ids, string? modelName, CancellationToken cancellationToken)
    {
        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(connection), cancellationToken);
        var progress = new BuildProgress("importing");
        int done = 0;
        foreach (var batch in VectorImporter.ReadItems(npy, ids, modelName ?? session.Shape.Model))
        {
            await session.Writer.UpsertAsync(batch.Items, cancellationToken);
            done += batch.Items.Count;
            progress.Report((done, batch.Total));
        }
        await Console.Error.WriteLineAsync($"imported {done:N0} vectors into cluster {session.Client.Connection} ({session.Shape.Shards} shards × {session.Shape.Replicas} replicas)");
        if (session.Writer.Skipped.Count > 0)
            await Console.Error.WriteLineAsync($"warning: replicas {string.Join(", ", session.Writer.Skipped)} were not live and missed these writes");
        return CommandRunner.Ok;
    }
}
