using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx;
using Lookalike.Hosting;
using Lookalike.Core.Catalog;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Feeds;
using Lookalike.Hosting.Ingest;
using Lookalike.Hosting.Reliability;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike index &lt;folder&gt;</c>: embed every photo of a folder into the store, incrementally.</summary>
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
        var threads = Threads();
        var device = Device();
        var precision = Precision();
        var batch = Batch();
        var index = CommonOptions.Index();
        var decodeTimeout = ServeCommand.DecodeTimeout();
        var feed = new FeedOptions();
        var command = new Command("index", "Index a folder of photos, or a product feed (--feed), into the store (unchanged photos are skipped), then its vector index.")
        {
            folder, store, model, precision, labels, prune, json, threads, batch, device, index, decodeTimeout,
        };
        foreach (var option in feed.All) command.Options.Add(option);
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            string? photos = parse.GetValue(folder);
            if (feed.Job(parse, parse.GetValue(prune)) is { } job)
            {
                if (photos is not null) throw LookalikeException.InvalidArgument("--feed", "Give a folder or --feed, not both.");
                if (parse.GetValue(labels) is not null) throw LookalikeException.InvalidArgument("--labels", "--labels names files of a folder; with --feed, use --labels-from-feed.");
                FeedSyncOutcome outcome;
                using (StoreWriterLock.Acquire(StoreLocation.Resolve(parse.GetValue(store))))
                    outcome = await FeedSync.RunAsync(job, StoreLocation.Resolve(parse.GetValue(store)), cancellationToken: cancellationToken);
                FeedOptions.PrintReport(outcome);
                var summary = await RunAsync(outcome.Folder, parse.GetValue(store), parse.GetValue(model), null,
                    job.Prune, cancellationToken, new EmbedderChoice(parse.GetValue(threads), parse.GetValue(device), parse.GetValue(precision), parse.GetValue(batch)),
                    ServeCommand.DecodeTimeoutOf(parse.GetValue(decodeTimeout)), job.LabelsFromFeed ? outcome.Mirror.Labels : null);
                if (parse.GetValue(json)) JsonOutput.WriteLine(new FeedIndexSummary(FeedSummary.Of(outcome), summary));
                else PrintSummary(summary);
            }
            else if (photos is not null)
            {
                var summary = await RunAsync(photos, parse.GetValue(store), parse.GetValue(model), parse.GetValue(labels),
                    parse.GetValue(prune), cancellationToken, new EmbedderChoice(parse.GetValue(threads), parse.GetValue(device), parse.GetValue(precision), parse.GetValue(batch)),
                    ServeCommand.DecodeTimeoutOf(parse.GetValue(decodeTimeout)));
                if (parse.GetValue(json)) JsonOutput.WriteLine(summary);
                else PrintSummary(summary);
            }
            else if (parse.GetValue(index) is null)
            {
                throw LookalikeException.InvalidArgument("folder", "Give a folder to index, or --index SPEC to (re)build the store's vector index.");
            }
            // Large stores get their HNSW graph built (or refreshed) now, with a progress bar, not at the first query.
            string storeDirectory = StoreLocation.Resolve(parse.GetValue(store));
            using var writerLock = StoreWriterLock.Acquire(storeDirectory);
            using var catalog = LookalikeComponents.OpenStore(storeDirectory, create: false);
            VectorsCommand.BuildIndex(catalog, parse.GetValue(index));
            return CommandRunner.Ok;
        }));
        return command;
    }

    public static async Task<IngestSummary> RunAsync(string folder, string? storeOption, string? model, string? labelsPath, bool prune,
        CancellationToken cancellationToken, EmbedderChoice? choice = null, TimeSpan? decodeTimeout = null,
        IReadOnlyDictionary<ItemId, IReadOnlyDictionary<string, string>>? labelRows = null)
    {
        choice ??= new EmbedderChoice();
        var labels = labelsPath is null ? null : LabelsFile.Load(labelsPath);
        string storeDirectory = StoreLocation.Resolve(storeOption);
        // One bulk writer per store: a second index fails at once with "store is locked by PID …" (docs/reliability.md).
        using var writerLock = StoreWriterLock.Acquire(storeDirectory);
        using var store = LookalikeComponents.OpenStore(storeDirectory, create: true);
        // An existing store keeps its model without --model; a new one gets the default recipe.
        using var embedder = choice.Create(LookalikeComponents.ModelFor(store.Model, model, choice.Precision));
        var decoderOptions = new ImageDecoderOptions();
        if (decodeTimeout is { } limit) decoderOptions.DecodeTimeout = limit;
        var pipeline = new IngestPipeline(store, LookalikeComponents.CreateDecoder(decoderOptions), embedder, choice.IngestOptions(), decoderOptions);
        await Console.Error.WriteLineAsync($"model {embedder.Model} ({embedder.Dimension}-d) · store {storeDirectory} · {choice.Describe(embedder)}");
        if (embedder.DeviceNote is { } note) await Console.Error.WriteLineAsync($"note: {note}");
        var summary = await IndexProgressDisplay.RunAsync(progress =>
            pipeline.RunAsync(new IngestRequest(folder, labels?.Rows ?? labelRows, prune), progress, cancellationToken));
        if (labels is not null)
        {
            int unmatched = labels.Rows.Keys.Count(id => !File.Exists(Path.Combine(Path.GetFullPath(folder), id.Value)));
            if (unmatched > 0) await Console.Error.WriteLineAsync($"note: {unmatched} row(s) of {labels.Path} name no file in {folder}");
        }
        return summary;
    }

    /// <summary><c>--threads</c>: embedding workers, each running the model on one core.</summary>
    public static Option<int> Threads() => new("--threads")
    {
        Description = $"Images embedded at once, each on one core (default: all {Environment.ProcessorCount} cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    /// <summary><c>--device cpu|cuda</c>.</summary>
    public static Option<EmbeddingDevice> Device() => new("--device")
    {
        Description = "cpu (default) or cuda: needs the GPU build (dotnet build -p:OnnxRuntimeGpu=true) and an NVIDIA GPU; falls back to the CPU with a note.",
        DefaultValueFactory = _ => EmbeddingDevice.Cpu,
    };

    /// <summary><c>--batch N</c>: images per model call in each embedding worker.</summary>
    public static Option<int> Batch() => new("--batch")
    {
        Description = "Images per model call in each embedding thread, 1–256 (default: 8 for int8, 1 for fp32, where batching saved no time and cost ~200 MB).",
        DefaultValueFactory = _ => AutoBatch,
    };

    /// <summary>Default of <c>--batch</c>: <see cref="EmbedderChoice.EffectiveBatch"/> picks by precision (docs/benchmarks.md).</summary>
    public const int AutoBatch = 0;

    /// <summary><c>--precision fp32|int8</c>.</summary>
    public static Option<EmbeddingPrecision> Precision() => new("--precision")
    {
        Description = "fp32 (default) or int8: resnet18's int8 copy (model resnet18-int8, ~2x faster on CPUs with VNNI); a store keeps one, and queries take it from the store.",
        DefaultValueFactory = _ => EmbeddingPrecision.Fp32,
    };

    /// <summary>
    /// How an index run embeds: <see cref="Threads"/> workers, each calling a single-threaded session (measured the
    /// fastest on 2 cores, docs/benchmarks.md), or one multi-threaded session on a GPU.
    /// </summary>
    internal sealed record EmbedderChoice(int Threads = 0, EmbeddingDevice Device = EmbeddingDevice.Cpu, EmbeddingPrecision Precision = EmbeddingPrecision.Fp32,
        int BatchSize = AutoBatch)
    {
        private int Workers => Threads > 0 ? Threads : Environment.ProcessorCount;

        public OnnxImageEmbedder Create(string? model)
        {
            if (Threads is < 0 or > 1024)
                throw new LookalikeException(LookalikeErrorKind.InvalidArgument, $"--threads must be 1–1024 (got {Threads}).", "--threads");
            if (BatchSize is < 0 or > 256)
                throw new LookalikeException(LookalikeErrorKind.InvalidArgument, $"--batch must be 1–256 (got {BatchSize}).", "--batch");
            var options = OnnxEmbeddingOptions.ForThroughput() with { Device = Device, BatchSize = EffectiveBatch };
            return new OnnxImageEmbedder(BuiltInModels.Resolve(LookalikeComponents.ModelFor(null, model, Precision), Precision), options);
        }

        /// <summary>Measured on 2 cores (1,000 products photos): int8 batch 8 used ~10% less CPU than batch 1; fp32 the same CPU and +200 MB.</summary>
        public int EffectiveBatch => BatchSize > 0 ? BatchSize : Precision == EmbeddingPrecision.Int8 ? 8 : 1;

        public IngestOptions IngestOptions() => new() { EmbedWorkers = Workers };

        public string Describe(OnnxImageEmbedder embedder) =>
            $"{Workers} embedding thread(s) × batch {embedder.BatchSize} on {embedder.Device.ToString().ToLowerInvariant()}";
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
