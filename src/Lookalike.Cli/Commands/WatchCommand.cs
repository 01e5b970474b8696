using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Hosting.Ingest;
using Lookalike.Hosting.Watch;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike watch &lt;folder&gt;</c>: keeps the store in step with a folder until Ctrl+C. Each burst of changes
/// (and each rescan) is an incremental <c>index --prune</c>: new and changed photos embedded, deleted ones removed,
/// unchanged ones skipped unread, bad files reported as by <c>index</c>.
/// </summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Folder of product photos to keep the store in step with (searched recursively)." };
        var store = CommonOptions.Store();
        var model = CommonOptions.Model();
        var labels = new Option<string?>("--labels") { Description = "CSV with a 'file' column and metadata columns; read again on every run." };
        var quiet = new Option<double>("--quiet") { Description = "Seconds without a change before a burst of changes is indexed (at most 4× this late).", DefaultValueFactory = _ => 1 };
        var rescan = new Option<double>("--rescan") { Description = "Seconds between full rescans, for changes file-system events miss.", DefaultValueFactory = _ => 60 };
        var otlp = CommonOptions.Otlp();
        var command = new Command("watch", "Keep the store in step with a folder: new, changed and deleted photos are indexed or removed within seconds (Ctrl+C stops).")
        {
            folder, store, model, labels, quiet, rescan, otlp,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            using var export = CommonOptions.StartOtlpExport(parse.GetValue(otlp));
            var watcher = new FolderWatcher(parse.GetValue(folder)!, Seconds(parse.GetValue(quiet), "--quiet"), Seconds(parse.GetValue(rescan), "--rescan"));
            await Console.Error.WriteLineAsync($"watching {watcher.Folder} (Ctrl+C stops)");
            await watcher.RunAsync(async (why, token) =>
            {
                var summary = (await IndexCommand.RunAsync(new IndexJob
                {
                    Store = parse.GetValue(store),
                    Folder = watcher.Folder,
                    Model = parse.GetValue(model),
                    Labels = parse.GetValue(labels),
                    Prune = true,
                }, token)).Ingest!;
                if (why == "start" || summary.Added + summary.Updated + summary.Removed + summary.Failures.Count > 0)
                {
                    await Console.Error.WriteAsync(DateTimeOffset.Now.ToString("HH:mm:ss ", CultureInfo.InvariantCulture) + why + ": ");
                    IndexCommand.PrintSummary(summary);
                }
            }, error => Terminal.Error.MarkupLineInterpolated($"[red]error:[/] {error.Message} (the watch goes on)"), cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static TimeSpan Seconds(double value, string option)
    {
        if (double.IsNaN(value) || value <= 0 || value > 86_400)
            throw LookalikeException.InvalidArgument(option, $"{option} must be above 0 and at most 86400 seconds (got {value.ToString(CultureInfo.InvariantCulture)}).");
        return TimeSpan.FromSeconds(value);
    }
}
