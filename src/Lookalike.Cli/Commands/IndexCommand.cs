using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Feeds;
using Lookalike.Hosting.Reliability;
using Lookalike.Hosting.Ingest;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike index &lt;folder&gt;</c>: embed every photo of a folder into the store, incrementally, then its vector index.</summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var folder = new Argument<string?>("folder")
        {
            Description = "Folder of product photos (searched recursively). Without it, only the store's vector index is (re)built.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var store = CommonOptions.Store();
        var model = CommonOptions.Model();
        var labels = new Option<string?>("--labels") { Description = "CSV with a 'file' column (path relative to the folder) and metadata columns." };
        var prune = new Option<bool>("--prune") { Description = "Remove stored items whose file has vanished." };
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var precision = CommonOptions.Precision();
        var batch = CommonOptions.Batch();
        var index = CommonOptions.Index();
        var decodeTimeout = CommonOptions.DecodeTimeout();
        var feed = new FeedOptions();
        var otlp = CommonOptions.Otlp();
        var cluster = ClusterOptions.Cluster();
        var command = new Command("index", "Index a folder of photos, or a product feed (--feed), into the store (unchanged photos are skipped), then its vector index.")
        {
            folder, store, model, precision, labels, prune, json, threads, batch, device, index, decodeTimeout, otlp, cluster,
        };
        foreach (var option in feed.All) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            // Exported (and flushed) when the run ends, whatever way it ends.
            using var export = CommonOptions.StartOtlpExport(parse.GetValue(otlp));
            var job = new IndexJob
            {
                Store = parse.GetValue(store),
                Folder = parse.GetValue(folder),
                Model = parse.GetValue(model),
                Labels = parse.GetValue(labels),
                Prune = parse.GetValue(prune),
                Embedding = new EmbedderChoice(parse.GetValue(threads), parse.GetValue(device), parse.GetValue(precision), parse.GetValue(batch)),
                DecodeTimeout = CommonOptions.DecodeTimeoutOf(parse.GetValue(decodeTimeout)),
                Index = parse.GetValue(index) is { } spec ? IndexSpec.Parse(spec) : null,
            };
            if (parse.GetValue(cluster) is { } connection)
            {
                if (job.Folder is null) throw LookalikeException.InvalidArgument("folder", "index --cluster needs a folder (readable at the same path on every silo).");
                return await ClusterIndex.RunAsync(connection, job.Folder, job.Labels, parse.GetValue(json), cancellationToken);
            }
            if (feed.Job(parse, parse.GetValue(prune)) is { } feedJob)
            {
                if (job.Folder is not null) throw LookalikeException.InvalidArgument("--feed", "Give a folder or --feed, not both.");
                if (job.Labels is not null) throw LookalikeException.InvalidArgument("--labels", "--labels names files of a folder; with --feed, use --labels-from-feed.");
                string directory = StoreLocation.Resolve(job.Store);
                FeedSyncOutcome synced;
                using (StoreWriterLock.Acquire(directory))
                    synced = await FeedSync.RunAsync(feedJob, directory, cancellationToken: cancellationToken);
                FeedOptions.PrintReport(synced);
                var fromFeed = await RunAsync(job with
                {
                    Folder = synced.Folder,
                    Prune = feedJob.Prune,
                    LabelRows = feedJob.LabelsFromFeed ? synced.Mirror.Labels : null,
                }, cancellationToken);
                if (parse.GetValue(json)) JsonOutput.WriteLine(new FeedIndexSummary(FeedSummary.Of(synced), fromFeed.Ingest!));
                else PrintSummary(fromFeed.Ingest!);
                return CommandRunner.Ok;
            }
            var outcome = await RunAsync(job, cancellationToken);
            if (outcome.Ingest is { } summary)
            {
                if (parse.GetValue(json)) JsonOutput.WriteLine(summary);
                else PrintSummary(summary);
            }
            return CommandRunner.Ok;
        }));
        return command;
    }

    /// <summary>Runs <paramref name="job"/> with the one progress display; the index line goes to stderr.</summary>
    public static async Task<IndexOutcome> RunAsync(IndexJob job, CancellationToken cancellationToken)
    {
        var outcome = await IndexProgressDisplay.RunAsync(observer => CatalogIndexer.RunAsync(job, observer, cancellationToken));
        if (outcome.Index is { } line) await Console.Error.WriteLineAsync(line);
        return outcome;
    }

    public static void PrintSummary(IngestSummary s)
    {
        var console = Terminal.Error;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[green]indexed[/] {s.Added} new, {s.Updated} changed · [grey]skipped[/] {s.Skipped} unchanged · [yellow]removed[/] {s.Removed}" +
            $"{(s.Missing > 0 ? $" ({s.Missing} missing files kept; use --prune)" : "")} · [red]failed[/] {s.Failures.Count} · " +
            $"{s.Elapsed.TotalSeconds:0.0} s, {s.ImagesPerSecond:0.0} img/s"));
        foreach (var failure in s.Failures.Take(50))
            console.MarkupLineInterpolated($"  [red]✗[/] {failure.Path}: {failure.Kind}: {failure.Message}");
        if (s.Failures.Count > 50) console.MarkupLine($"  … and {s.Failures.Count - 50} more (use --json for all)");
    }
}
