using System.CommandLine;
using Lookalike.Bench;
using Lookalike.Cli.Output;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Hosting.Ingest;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike bench embed --images DIR</c>: how fast photos become vectors. Parses the flags and runs
/// <see cref="EmbedBenchmark"/> (bench/Lookalike.Bench) or the int8 calibration tool; one JSON line per configuration
/// with <c>--json</c>, else a table. See docs/benchmarks.md ("Indexing throughput").
/// </summary>
internal static class BenchEmbedCommand
{
    public static Command Create()
    {
        var images = new Option<string>("--images") { Description = "Folder of photos (searched recursively), e.g. ../shared/datasets/products/images.", Required = true };
        var model = CommonOptions.Model();
        var json = CommonOptions.Json();
        var threads = CommonOptions.Threads();
        var device = CommonOptions.Device();
        var seconds = new Option<double>("--seconds") { Description = "Seconds per raw-model configuration (default 10).", DefaultValueFactory = _ => 10 };
        var skipEndToEnd = new Option<bool>("--no-end-to-end") { Description = "Skip indexing the folder (raw model and reference only)." };
        var torch = new Option<string?>("--torch") { Description = "Path of torch_resnet18.py (default: ../shared/bench/ above the current folder or the program); 'none' skips the reference." };
        var torchBudget = new Option<double>("--torch-seconds") { Description = "Seconds per PyTorch configuration (default 5).", DefaultValueFactory = _ => 5 };
        var precision = CommonOptions.Precision();
        var batch = CommonOptions.Batch();
        var calibrate = new Option<string?>("--calibrate")
        {
            Description = "Instead of benchmarking: measure int8 activation ranges of the fp32 model on up to 256 photos of --images and write them to this file (how resnet18-int8.calibration.json is made).",
        };
        var queryViews = new Option<string?>("--query-views")
        {
            Description = "Also time photo queries through these views as a server embeds them (e.g. 'full+zoom*0.6', a new store's default), and their pixel work alone.",
        };
        var pairs = new Option<int>("--pairs")
        {
            Description = "Then, this many times: time the raw model (as indexing runs it) for half of --seconds, index the folder, time the raw model again; report each pair's steady end-to-end rate ÷ the mean of its two raw rates, and their median: a ratio that drift during the pair moves on both sides (default 0).",
        };
        var command = new Command("embed", "Embedding throughput: end-to-end indexing, raw model, and the PyTorch CPU reference side by side.")
        {
            images, model, precision, threads, batch, device, seconds, skipEndToEnd, torch, torchBudget, json, calibrate, queryViews, pairs,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            if (parse.GetValue(calibrate) is { } calibrationPath)
            {
                Int8CalibrationTool.Run(Path.GetFullPath(parse.GetValue(images)!), parse.GetValue(model), calibrationPath);
                return CommandRunner.Ok;
            }
            var settings = new EmbedBenchSettings(
                Path.GetFullPath(parse.GetValue(images)!), parse.GetValue(model),
                new EmbedderChoice(parse.GetValue(threads), parse.GetValue(device), parse.GetValue(precision), parse.GetValue(batch)),
                parse.GetValue(seconds), !parse.GetValue(skipEndToEnd), parse.GetValue(torch), parse.GetValue(torchBudget),
                parse.GetValue(queryViews) is { } views ? QueryViews.Parse(views) : null, parse.GetValue(pairs));
            bool asJson = parse.GetValue(json);
            if (!Directory.Exists(settings.Images)) throw LookalikeException.NotFound(settings.Images, $"Folder not found: {settings.Images}");
            if (settings.Seconds is <= 0 or > 3600) throw new LookalikeException(LookalikeErrorKind.InvalidArgument, "--seconds must be in (0, 3600].", "--seconds");
            if (settings.Pairs is < 0 or > 100) throw new LookalikeException(LookalikeErrorKind.InvalidArgument, "--pairs must be in 0–100.", "--pairs");
            await EmbedBenchmark.RunAsync(settings, row =>
            {
                if (asJson) Console.Out.WriteLine(row.ToJsonString(JsonOutput.Options));
                else Console.Error.WriteLine($"  {EmbedBenchmark.Describe(row)}");
            }, cancellationToken);
            return CommandRunner.Ok;
        }));
        return command;
    }
}
