using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Imaging;
using Lookalike.Hosting;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Ingest;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike index &lt;folder&gt;</c>: embed every photo of a folder into the store, incrementally.</summary>
internal static class IndexCommand
{
    public static Command Create()
    {
        var folder = new Argument<string>("folder") { Description = "Folder of product photos (searched recursively)." };
        var store = CommonOptions.Store();
        var model = CommonOptions.Model();
        var labels = new Option<string?>("--labels") { Description = "CSV with a 'file' column (path relative to the folder) and metadata columns." };
        var prune = new Option<bool>("--prune") { Description = "Remove stored items whose file has vanished." };
        var json = CommonOptions.Json();
        var command = new Command("index", "Index a folder of photos into the store (unchanged files are skipped).")
        {
            folder, store, model, labels, prune, json,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var summary = await RunAsync(parse.GetValue(folder)!, parse.GetValue(store), parse.GetValue(model), parse.GetValue(labels),
                parse.GetValue(prune), cancellationToken);
            if (parse.GetValue(json)) JsonOutput.WriteLine(summary);
            else PrintSummary(summary);
            return CommandRunner.Ok;
        }));
        return command;
    }

    public static async Task<IngestSummary> RunAsync(string folder, string? storeOption, string? model, string? labelsPath, bool prune, CancellationToken cancellationToken)
    {
        var labels = labelsPath is null ? null : LabelsFile.Load(labelsPath);
        string storeDirectory = StoreLocation.Resolve(storeOption);
        using var store = LookalikeComponents.OpenStore(storeDirectory, create: true);
        using var embedder = LookalikeComponents.CreateEmbedder(model);
        var decoderOptions = new ImageDecoderOptions();
        var pipeline = new IngestPipeline(store, LookalikeComponents.CreateDecoder(decoderOptions), embedder, new IngestOptions(), decoderOptions);
        await Console.Error.WriteLineAsync($"model {embedder.Model} ({embedder.Dimension}-d) · store {storeDirectory}");
        var summary = await IndexProgressDisplay.RunAsync(progress =>
            pipeline.RunAsync(new IngestRequest(folder, labels?.Rows, prune), progress, cancellationToken));
        if (labels is not null)
        {
            int unmatched = labels.Rows.Keys.Count(id => !File.Exists(Path.Combine(Path.GetFullPath(folder), id.Value)));
            if (unmatched > 0) await Console.Error.WriteLineAsync($"note: {unmatched} row(s) of {labels.Path} name no file in {folder}");
        }
        return summary;
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
