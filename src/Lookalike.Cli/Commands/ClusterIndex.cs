using Lookalike.Cli.Output;
using Lookalike.Cluster;
using Lookalike.Cluster.Client;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary><c>index DIR --cluster</c>: planned here, embedded on the silos (<see cref="ClusterIndexer"/>), one progress bar.</summary>
internal static class ClusterIndex
{
    public static async Task<int> RunAsync(string connection, string folder, string? labels, bool json, CancellationToken cancellationToken)
    {
        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(connection), cancellationToken);
        var summary = await new ClusterIndexer(session).RunAsync(folder, labels, new BuildProgress("indexing on the silos"), cancellationToken);
        if (json)
        {
            JsonOutput.WriteLine(new
            {
                files = summary.Files, added = summary.Added, updated = summary.Updated, unchanged = summary.Unchanged,
                failures = summary.Failures.Select(f => new { path = f.Path, kind = f.Kind, message = f.Message }),
            });
        }
        else
        {
            Terminal.Error.MarkupLineInterpolated($"[green]indexed[/] {summary.Files:N0} photos into cluster {session.Client.Connection}: {summary.Added:N0} added, {summary.Updated:N0} updated, {summary.Unchanged:N0} unchanged, {summary.Failures.Count:N0} failed");
            foreach (var failure in summary.Failures.Take(50)) Terminal.Error.MarkupLineInterpolated($"  [red]{failure.Kind}[/] {failure.Path}: {failure.Message}");
        }
        if (session.Writer.Skipped.Count > 0)
            await Console.Error.WriteLineAsync($"warning: replicas {string.Join(", ", session.Writer.Skipped)} were not live and missed these writes");
        return CommandRunner.Ok;
    }
}
