using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx;
using Lookalike.Embedding.Onnx.Quantization;
using Lookalike.Hosting;
using Lookalike.Hosting.Evaluation;
using Lookalike.Hosting.Ingest;

namespace Lookalike.Bench;

/// <summary>
/// How fast photos become vectors. Measures, in this order, end-to-end
/// indexing of DIR into a throw-away store (files → read+hash → decode → embed → SQLite; images/s, CPU use, peak
/// memory), the raw model on decoded images already in memory (one image per call: latency with all cores on one
/// call, throughput with one call per core), and, when it can be found, the PyTorch CPU reference
/// (<c>../shared/bench/torch_resnet18.py</c>) with the same thread count. One JSON line per configuration with
/// <c>--json</c>, else a table. See docs/benchmarks.md ("Indexing throughput").
/// </summary>
public static class EmbedBenchmark
{
    private const int RawImages = 64;


    /// <summary>Runs every configuration <paramref name="s"/> asks for; each row goes to <paramref name="emit"/> as it is measured, the summary last.</summary>
    public static async Task RunAsync(EmbedBenchSettings s, Action<JsonObject> emit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(s);
        ArgumentNullException.ThrowIfNull(emit);
        var rows = new List<JsonObject>();
        void Emit(JsonObject row)
        {
            row["cores"] = Environment.ProcessorCount;
            rows.Add(row);
            emit(row);
        }

        string? endToEndModel = null;
        if (s.EndToEnd)
            endToEndModel = await EndToEndAsync(s, Emit, cancellationToken);

        var decoder = LookalikeComponents.CreateDecoder();
        DecodedImage[] decoded;
        using (var probe = Create(s.Choice, s.Model))
            decoded = LoadImages(s.Images, decoder, probe.Target);

        Emit(DecodeOnly(s.Images, decoder, decoded[0].Width, decoded[0].Height, s.Seconds / 2, cancellationToken));

        // Latency: one call at a time, the runtime's threads all on it (the query path's setting).
        using (var latency = new OnnxImageEmbedder(Manifest(s.Choice, s.Model), new OnnxEmbeddingOptions { IntraOpThreads = s.Threads, Device = s.Choice.Device }))
            Emit(Raw("raw_latency", latency, decoded, callers: 1, s.Seconds, cancellationToken));

        if (s.QueryViews is { } views)
        {
            foreach (var row in QueryViewLatency(s.Images, new ModelId(ModelName(s.Choice, s.Model)), views, s.Seconds / 2, cancellationToken)) Emit(row);
        }

        // Throughput: one single-threaded call per core, one image per call, then batched (the indexing setting).
        using (var throughput = Create(s.Choice with { BatchSize = 1 }, s.Model))
            Emit(Raw("raw_throughput", throughput, decoded, callers: s.Threads, s.Seconds, cancellationToken));
        if (s.Choice.EffectiveBatch(BuiltInModels.IsInt8(Manifest(s.Choice, s.Model))) > 1)
        {
            using var batched = Create(s.Choice, s.Model);
            Emit(Raw("raw_throughput", batched, decoded, callers: s.Threads, s.Seconds, cancellationToken));
        }

        if (!string.Equals(s.Torch, "none", StringComparison.OrdinalIgnoreCase))
        {
            foreach (JsonObject row in await TorchAsync(s, cancellationToken)) Emit(row);
        }

        var pairRatios = new List<double>();
        for (int pair = 1; pair <= s.Pairs; pair++)
            pairRatios.Add(await PairAsync(s, decoded, pair, Emit, cancellationToken));

        var endToEnd = rows.FirstOrDefault(r => (string?)r["config"] == "end_to_end");
        var best = rows.Where(r => ((string?)r["config"])?.StartsWith("raw_", StringComparison.Ordinal) == true).MaxBy(r => (double)r["images_per_s"]!);
        var leanest = rows.Where(r => ((string?)r["config"])?.StartsWith("raw_", StringComparison.Ordinal) == true).MinBy(r => (double)r["cpu_ms_per_image"]!);
        var torchBest = rows.Where(r => (string?)r["config"] == "torch_model").MaxBy(r => (double)r["images_per_s"]!);
        var summary = new JsonObject
        {
            ["config"] = "summary",
            ["model"] = best?["model"]?.GetValue<string>() ?? endToEndModel,
            ["raw_best_images_per_s"] = best?["images_per_s"]?.GetValue<double>(),
            ["end_to_end_images_per_s"] = endToEnd?["images_per_s"]?.GetValue<double>(),
            ["end_to_end_over_raw"] = endToEnd is null || best is null ? null : Round((double)endToEnd["images_per_s"]! / (double)best["images_per_s"]!, 3),
            // The same without the run's one-off costs (model load, graph rewrite, first-call JIT): photos per second
            // from the tenth of the folder on, i.e. the per-photo overhead alone.
            ["end_to_end_steady_over_raw"] = endToEnd?["steady_images_per_s"] is null || best is null ? null
                : Round((double)endToEnd["steady_images_per_s"]! / (double)best["images_per_s"]!, 3),
            // Load-independent view: CPU time per image, end to end vs the raw model's leanest configuration.
            ["end_to_end_cpu_efficiency"] = endToEnd is null || leanest is null ? null
                : Round((double)leanest["cpu_ms_per_image"]! / (double)endToEnd["cpu_ms_per_image"]!, 3),
            ["pairs_steady_over_raw"] = pairRatios.Count == 0 ? null : new JsonArray([.. pairRatios.Select(r => JsonValue.Create(r))]),
            ["pairs_steady_over_raw_median"] = pairRatios.Count == 0 ? null : Round(Median(pairRatios), 3),
            ["torch_best_images_per_s"] = torchBest?["images_per_s"]?.GetValue<double>(),
            ["raw_over_torch"] = torchBest is null || best is null ? null : Round((double)best["images_per_s"]! / (double)torchBest["images_per_s"]!, 3),
        };
        Emit(summary);
    }

    /// <summary>
    /// One pair: the raw model in the configuration indexing uses (one call per core at the index batch size) for half
    /// the configured time, the folder indexed end to end, then the raw model again. The raw rate is the mean of the two
    /// halves, so a machine whose speed drifts steadily during the pair moves both sides of the ratio alike; the "pair"
    /// row holds the rates and steady end to end ÷ raw.
    /// </summary>
    private static async Task<double> PairAsync(EmbedBenchSettings s, DecodedImage[] decoded, int pair, Action<JsonObject> emit, CancellationToken cancellationToken)
    {
        JsonObject before, after;
        JsonObject? endToEnd = null;
        using (var indexing = Create(s.Choice, s.Model))
            before = Raw("raw_throughput", indexing, decoded, callers: s.Threads, s.Seconds / 2, cancellationToken);
        await EndToEndAsync(s, row => endToEnd = row, cancellationToken);
        using (var indexing = Create(s.Choice, s.Model))
            after = Raw("raw_throughput", indexing, decoded, callers: s.Threads, s.Seconds / 2, cancellationToken);
        double steady = (double?)endToEnd!["steady_images_per_s"] ?? (double)endToEnd["images_per_s"]!;
        double raw = ((double)before["images_per_s"]! + (double)after["images_per_s"]!) / 2;
        double ratio = Round(steady / raw, 3);
        emit(new JsonObject
        {
            ["config"] = "pair",
            ["pair"] = pair,
            ["end_to_end_steady_images_per_s"] = steady,
            ["end_to_end_cpu_ms_per_image"] = endToEnd["cpu_ms_per_image"]?.GetValue<double>(),
            ["raw_images_per_s"] = Round(raw, 2),
            ["raw_images_per_s_before"] = before["images_per_s"]?.GetValue<double>(),
            ["raw_images_per_s_after"] = after["images_per_s"]?.GetValue<double>(),
            ["raw_cpu_ms_per_image"] = Round(((double)before["cpu_ms_per_image"]! + (double)after["cpu_ms_per_image"]!) / 2, 2),
            ["batch"] = before["batch"]?.GetValue<int>(),
            ["steady_over_raw"] = ratio,
            ["foreign_cpu_frac"] = Math.Max((double)endToEnd["foreign_cpu_frac"]!, Math.Max((double)before["foreign_cpu_frac"]!, (double)after["foreign_cpu_frac"]!)),
        });
        return ratio;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    internal static IEnumerable<string> ImageFiles(string folder) => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
        .Where(f => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png" or ".webp")
        .Order(StringComparer.Ordinal);

    /// <summary>The embedder an index run with <paramref name="choice"/> uses, as the ONNX type (the bench reads its options).</summary>
    private static OnnxImageEmbedder Create(EmbedderChoice choice, string? model)
    {
        ModelManifest manifest = Manifest(choice, model);
        return new(manifest, OnnxEmbeddingOptions.ForThroughput() with { Device = choice.Device, BatchSize = choice.EffectiveBatch(BuiltInModels.IsInt8(manifest)) });
    }

    /// <summary>The model a new store indexed with <paramref name="choice"/> gets (no precision: this CPU's default).</summary>
    private static ModelManifest Manifest(EmbedderChoice choice, string? model) =>
        BuiltInModels.Resolve(ModelName(choice, model), choice.Precision ?? EmbeddingPrecision.Fp32);

    private static string ModelName(EmbedderChoice choice, string? model) => LookalikeComponents.ModelFor(null, model, choice.Precision);

    private static async Task<string> EndToEndAsync(EmbedBenchSettings s, Action<JsonObject> emit, CancellationToken cancellationToken)
    {
        string storeDirectory = Path.Combine(Path.GetTempPath(), $"lookalike-bench-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            ResetPeakRss();
            var cpu = CpuWindow.Start();
            var clock = Stopwatch.StartNew();
            var steady = new SteadyRate();
            IngestSummary summary;
            string model;
            using (var store = LookalikeComponents.OpenStore(storeDirectory, create: true))
            using (var embedder = s.Choice.Create(ModelName(s.Choice, s.Model), out string described, out _))
            {
                model = embedder.Model.Value;
                var decoderOptions = new ImageDecoderOptions();
                var pipeline = new IngestPipeline(store, LookalikeComponents.CreateDecoder(decoderOptions), embedder, s.Choice.IngestOptions(), decoderOptions);
                Console.Error.WriteLine($"end to end: indexing {s.Images} with {described} …");
                summary = await pipeline.RunAsync(new IngestRequest(s.Images), steady, cancellationToken);
            }
            double wall = clock.Elapsed.TotalSeconds;
            var (own, foreign) = cpu.Stop();
            int embedded = summary.Added + summary.Updated;
            emit(new JsonObject
            {
                ["config"] = "end_to_end",
                ["model"] = model,
                ["threads"] = s.Threads,
                ["images"] = embedded,
                ["failed"] = summary.Failures.Count,
                ["seconds"] = Round(wall, 2),
                ["images_per_s"] = Round(embedded / wall, 2),
                ["steady_images_per_s"] = steady.ImagesPerSecond is { } rate ? Round(rate, 2) : null,
                ["cpu_percent"] = Round(100 * own, 1),
                ["cpu_ms_per_image"] = Round(1000 * own * wall / Math.Max(1, embedded), 2),
                ["peak_rss_mb"] = PeakRssMb(),
                ["gc_count"] = GC.CollectionCount(0),
                ["foreign_cpu_frac"] = Round(foreign, 3),
            });
            return model;
        }
        finally
        {
            try
            {
                Directory.Delete(storeDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private static DecodedImage[] LoadImages(string folder, IImageDecoder decoder, ImageTarget target)
    {
        var files = ImageFiles(folder).Take(RawImages).ToList();
        if (files.Count == 0) throw LookalikeException.NotFound(folder, $"No photos in {folder}.");
        return files.Select(f => decoder.Decode(File.ReadAllBytes(f), f, target)).ToArray();
    }

    private static JsonObject Raw(string config, OnnxImageEmbedder embedder, DecodedImage[] images, int callers, double seconds, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine($"{config}: {callers} caller(s) × {embedder.Options.IntraOpThreads} runtime thread(s) × batch {embedder.BatchSize}, {seconds:0.#} s …");
        int batch = embedder.BatchSize;
        var warm = new float[embedder.Dimension * batch];
        for (int i = 0; i < 2; i++) embedder.EmbedBatch(images[..batch], warm);

        int count = 0;
        var latencies = new List<double>[callers];
        var cpu = CpuWindow.Start();
        var clock = Stopwatch.StartNew();
        var threads = Enumerable.Range(0, callers).Select(t => new Thread(() =>
        {
            var vectors = new float[embedder.Dimension * batch];
            var mine = latencies[t] = [];
            for (int i = t * batch; clock.Elapsed.TotalSeconds < seconds && !cancellationToken.IsCancellationRequested; i += callers * batch)
            {
                int first = i % (images.Length - batch + 1);
                long start = Stopwatch.GetTimestamp();
                if (batch == 1) embedder.Embed(images[first], vectors);
                else embedder.EmbedBatch(images[first..(first + batch)], vectors);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds / batch);
                Interlocked.Add(ref count, batch);
            }
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        double wall = clock.Elapsed.TotalSeconds;
        var (own, foreign) = cpu.Stop();
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new JsonObject
        {
            ["config"] = config,
            ["model"] = embedder.Model.Value,
            ["device"] = embedder.Device.ToString().ToLowerInvariant(),
            ["callers"] = callers,
            ["runtime_threads"] = embedder.Options.IntraOpThreads,
            ["batch"] = batch,
            ["preprocess_folded"] = embedder.PreprocessFolded,
            ["images"] = count,
            ["seconds"] = Round(wall, 2),
            ["images_per_s"] = Round(count / wall, 2),
            ["ms_per_image_median"] = Round(all[all.Length / 2], 2),
            ["cpu_percent"] = Round(100 * own, 1),
            ["cpu_ms_per_image"] = Round(1000 * own * wall / Math.Max(1, count), 2),
            ["foreign_cpu_frac"] = Round(foreign, 3),
        };
    }

    /// <summary>
    /// Photo queries as a server embeds them through <paramref name="views"/> (decoded once, the views' network runs at
    /// once, each on its share of the cores), one photo at a time from bytes in memory; then the pixel work of those
    /// queries alone (decode, the whole photo fitted, the zoom box fitted) and one view's network run on the threads the
    /// views reader gives it, so a query's wall time can be read as pixels + runs (at once where the cores allow).
    /// </summary>
    private static IEnumerable<JsonObject> QueryViewLatency(string folder, ModelId model, QueryViews views, double seconds, CancellationToken cancellationToken)
    {
        var files = ImageFiles(folder).Take(RawImages).Select(f => (Path: f, Bytes: File.ReadAllBytes(f))).ToArray();
        var decoder = LookalikeComponents.CreateDecoder();
        using var reader = LookalikeComponents.CreateQueryViewReader(model, views);
        var embedder = new QueryViewEmbedder(reader, decoder);
        Console.Error.WriteLine($"query_views: '{views}' with {model}, {files.Length} photos from memory, one at a time, {seconds:0.#} s each …");
        for (int i = 0; i < 3; i++) embedder.Embed(files[i].Bytes, files[i].Path, [views]);
        var row = Timed("query_views", i => embedder.Embed(files[i % files.Length].Bytes, files[i % files.Length].Path, [views]), seconds, cancellationToken);
        row["query_views"] = views.ToString();
        row["network_runs"] = views.NetworkRuns;
        yield return row;
        var fitted = files.Select(f =>
        {
            using var source = decoder.Open(f.Bytes, f.Path);
            return source.Fit(reader.Target);
        }).ToArray();
        yield return Timed("query_views_one_run", i => reader.Read(fitted[i % fitted.Length], mirror: false), seconds, cancellationToken);
        yield return Timed("query_views_pixels", i =>
        {
            var (path, bytes) = files[i % files.Length];
            using var source = decoder.Open(bytes, path);
            source.Fit(reader.Target);
            if (views.NetworkRuns < 2) return;
            source.Fit(reader.Target with { Box = QueryViews.ZoomBox(source.Width, source.Height) });
        }, seconds, cancellationToken);
    }

    /// <summary>Runs <paramref name="one"/>(0, 1, …) for <paramref name="seconds"/> on this thread: median and 90th-percentile wall ms, CPU ms of the whole process per call.</summary>
    private static JsonObject Timed(string config, Action<int> one, double seconds, CancellationToken cancellationToken)
    {
        var latencies = new List<double>();
        var cpu = CpuWindow.Start();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds && !cancellationToken.IsCancellationRequested)
        {
            long start = Stopwatch.GetTimestamp();
            one(latencies.Count);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        double wall = clock.Elapsed.TotalSeconds;
        var (own, foreign) = cpu.Stop();
        latencies.Sort();
        return new JsonObject
        {
            ["config"] = config,
            ["photos"] = latencies.Count,
            ["ms_median"] = Round(latencies[latencies.Count / 2], 2),
            ["ms_p90"] = Round(latencies[latencies.Count * 9 / 10], 2),
            ["cpu_ms_per_photo"] = Round(1000 * own * wall / Math.Max(1, latencies.Count), 2),
            ["foreign_cpu_frac"] = Round(foreign, 3),
        };
    }

    /// <summary>Decode + fit of the first photos from bytes in memory, one thread: the work that must hide behind inference.</summary>
    private static JsonObject DecodeOnly(string folder, IImageDecoder decoder, int width, int height, double seconds, CancellationToken cancellationToken)
    {
        var files = ImageFiles(folder).Take(RawImages).Select(f => (Path: f, Bytes: File.ReadAllBytes(f))).ToArray();
        var target = new ImageTarget(width, height, ResizeMode.CenterCrop);
        Console.Error.WriteLine($"decode_only: {files.Length} files from memory, 1 thread, {seconds:0.#} s …");
        int count = 0;
        var cpu = CpuWindow.Start();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds && !cancellationToken.IsCancellationRequested)
        {
            var (path, bytes) = files[count % files.Length];
            decoder.Decode(bytes, path, target);
            count++;
        }
        double wall = clock.Elapsed.TotalSeconds;
        var (own, foreign) = cpu.Stop();
        return new JsonObject
        {
            ["config"] = "decode_only",
            ["jpeg_decoder"] = LookalikeComponents.JpegDecoder,
            ["images"] = count,
            ["seconds"] = Round(wall, 2),
            ["images_per_s"] = Round(count / wall, 2),
            ["cpu_ms_per_image"] = Round(1000 * own * wall / Math.Max(1, count), 3),
            ["foreign_cpu_frac"] = Round(foreign, 3),
        };
    }

    private static async Task<List<JsonObject>> TorchAsync(EmbedBenchSettings s, CancellationToken cancellationToken)
    {
        string? script = s.Torch is null ? FindTorchScript() : Path.GetFullPath(s.Torch); // the child runs in the script's folder
        if (script is null || !File.Exists(script))
        {
            Console.Error.WriteLine($"torch reference: torch_resnet18.py not found{(script is null ? " (looked for ../shared/bench/)" : $" at {script}")}; skipped (--torch PATH).");
            return [];
        }
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(script)!,
        };
        foreach (string arg in new[] { script, "--threads", s.Threads.ToString(CultureInfo.InvariantCulture), "--batches", "1,8,32",
                     "--budget", s.TorchSeconds.ToString(CultureInfo.InvariantCulture), "--images", s.Images, "--max-images", RawImages.ToString(CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(arg);
        start.Environment["BENCH_MAX_THREADS"] = s.Threads.ToString(CultureInfo.InvariantCulture);
        Console.Error.WriteLine($"torch reference: {python} {Path.GetFileName(script)} --threads {s.Threads} …");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {python}");
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        string stdout = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        string? line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault();
        if (process.ExitCode != 0 || line is null)
        {
            string why = (await stderr).Trim().Split('\n').LastOrDefault() ?? "";
            Console.Error.WriteLine($"torch reference failed (exit {process.ExitCode}): {why}" +
                (why.Contains("No module named", StringComparison.Ordinal) ? " — apt-get install -y python3-torch python3-torchvision python3-pil python3-numpy" : ""));
            return [];
        }

        var result = JsonNode.Parse(line)!.AsObject();
        var rows = new List<JsonObject>();
        foreach (JsonNode? r in result["model_only"]?.AsArray() ?? [])
        {
            rows.Add(new JsonObject
            {
                ["config"] = "torch_model",
                ["model"] = $"torchvision resnet18 (torch {result["torch"]})",
                ["threads"] = r!["threads"]?.GetValue<int>(),
                ["batch"] = r["batch"]?.GetValue<int>(),
                ["images_per_s"] = r["images_per_s"]?.GetValue<double>(),
                ["ms_per_batch"] = r["ms_per_batch"]?.GetValue<double>(),
                ["foreign_cpu_frac"] = r["foreign_cpu_frac"]?.GetValue<double?>(),
            });
        }
        foreach (JsonNode? r in result["jpeg"]?["end_to_end"]?.AsArray() ?? [])
        {
            rows.Add(new JsonObject
            {
                ["config"] = "torch_end_to_end",
                ["model"] = $"PIL decode{(r!["draft"]?.GetValue<bool>() == true ? " (draft)" : "")} + torchvision resnet18, {RawImages} files in memory",
                ["threads"] = r["threads"]?.GetValue<int>(),
                ["batch"] = r["batch"]?.GetValue<int>(),
                ["images_per_s"] = r["images_per_s"]?.GetValue<double>(),
                ["foreign_cpu_frac"] = r["foreign_cpu_frac"]?.GetValue<double?>(),
            });
        }
        if (result["peak_rss_mb"] is { } rss)
            rows.Add(new JsonObject { ["config"] = "torch_process", ["model"] = "torch_resnet18.py", ["peak_rss_mb"] = rss.GetValue<double>() });
        return rows;
    }

    private static string? FindTorchScript()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "shared", "bench", "torch_resnet18.py");
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    /// <summary>One row as a line of text (the table without <c>--json</c>).</summary>
    public static string Describe(JsonObject row)
    {
        string config = (string?)row["config"] ?? "";
        string Get(string key, string unit = "") => row[key] is { } v ? $"{key.Replace('_', ' ')} {v.ToJsonString()}{unit}" : "";
        string[] parts = config switch
        {
            "decode_only" => [Get("images_per_s"), Get("cpu_ms_per_image"), Get("foreign_cpu_frac")],
            "end_to_end" => [Get("images"), Get("images_per_s"), Get("cpu_percent", "%"), Get("cpu_ms_per_image"), Get("peak_rss_mb"), Get("foreign_cpu_frac")],
            "raw_latency" or "raw_throughput" => [Get("callers"), Get("runtime_threads"), Get("batch"), Get("images_per_s"), Get("ms_per_image_median"), Get("cpu_percent", "%"), Get("cpu_ms_per_image"), Get("foreign_cpu_frac")],
            "torch_model" or "torch_end_to_end" => [Get("threads"), Get("batch"), Get("images_per_s"), Get("foreign_cpu_frac")],
            _ => row.Where(p => p.Key is not "config" and not "cores").Select(p => $"{p.Key.Replace('_', ' ')} {p.Value?.ToJsonString()}").ToArray(),
        };
        return $"{config,-16} {string.Join(" · ", parts.Where(p => p.Length > 0))}";
    }

    private static double Round(double value, int digits) => Math.Round(value, digits);

    /// <summary>Resets the kernel's peak-RSS counter (VmHWM) so the next reading covers only what follows (Linux).</summary>
    private static void ResetPeakRss()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not allowed: the peak then covers the whole process so far.
        }
    }

    private static double? PeakRssMb()
    {
        try
        {
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? null : Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0, 1);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// This process's CPU use over a window, as a fraction of one core (2.0 = two cores busy), and the share of the
    /// whole machine other processes used meanwhile (from /proc/stat; above ~0.1 the figures are not clean).
    /// </summary>
    /// <summary>
    /// Photos per second of an index run from the moment a tenth of its photos were done to its end: the throughput
    /// without the start-up (model load, first calls) that a longer run amortises. Null for runs too short to tell.
    /// </summary>
    private sealed class SteadyRate : IProgress<IngestProgress>
    {
        private readonly Lock _lock = new();
        private (int Done, TimeSpan At)? _start;
        private (int Done, TimeSpan At) _last;

        public double? ImagesPerSecond
        {
            get
            {
                lock (_lock)
                {
                    if (_start is not { } start || _last.Done - start.Done < 100 || _last.At <= start.At) return null;
                    return (_last.Done - start.Done) / (_last.At - start.At).TotalSeconds;
                }
            }
        }

        public void Report(IngestProgress value)
        {
            lock (_lock)
            {
                if (value.Done < _last.Done) return;
                _last = (value.Done, value.Elapsed);
                if (_start is null && value.Total > 0 && value.Done * 10 >= value.Total) _start = _last;
            }
        }
    }

    private sealed class CpuWindow
    {
        private readonly TimeSpan _cpu0;
        private readonly long _busy0;
        private readonly long _total0;
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        private CpuWindow()
        {
            _cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            (_busy0, _total0) = MachineTicks();
        }

        public static CpuWindow Start() => new();

        public (double OwnCores, double ForeignFraction) Stop()
        {
            double wall = _clock.Elapsed.TotalSeconds;
            double own = (Process.GetCurrentProcess().TotalProcessorTime - _cpu0).TotalSeconds;
            var (busy, total) = MachineTicks();
            double foreign = double.NaN;
            if (total > _total0)
            {
                double machineSeconds = wall * Environment.ProcessorCount;
                double busySeconds = (busy - _busy0) / (double)(total - _total0) * machineSeconds;
                foreign = Math.Clamp((busySeconds - own) / machineSeconds, 0, 1);
            }
            return (own / wall, double.IsNaN(foreign) ? 0 : foreign);
        }

        private static (long Busy, long Total) MachineTicks()
        {
            try
            {
                string[] f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                long[] v = f.Skip(1).Take(8).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
                long idle = v[3] + v[4];
                long total = v.Sum();
                return (total - idle, total);
            }
            catch (IOException)
            {
                return (0, 0);
            }
        }
    }
}
