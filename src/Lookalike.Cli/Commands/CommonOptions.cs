using System.CommandLine;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Hosting.Ingest;

namespace Lookalike.Cli.Commands;

/// <summary>Options shared by several verbs (store, model, index, embedding, decode limit); each verb gets its own instance.</summary>
internal static class CommonOptions
{
    public static Option<string?> Store() => new("--store")
    {
        Description = "Store folder (default: $LOOKALIKE_STORE, else ./.lookalike).",
    };

    public static Option<string?> Model() => new("--model")
    {
        Description = "Model: 'resnet18' (built in) or the path of a manifest.json, optionally with '+flip' (flip test-time augmentation) and/or '+gem3' ('+gem{p}', '+max': pool the last feature map), e.g. resnet18+flip+gem3. index: default resnet18+gem3 for a new store (in int8, resnet18-int8+gem3, where the CPU has VNNI or AMX), the store's own model for an existing one; query commands: the store's own model (from its recorded id), so it never has to be repeated.",
    };

    public static Option<string?> Index() => new("--index")
    {
        Description = "Vector index: auto (exact below 50,000 items, HNSW above), exact, or hnsw(m=16,efc=128,ef=64,dtype=f32|f16|i8,rerank=true).",
    };

    public static Option<string?> Rerank() => new("--rerank")
    {
        Description = "Re-rank each result list: kr (k-reciprocal, defaults) or kr(k1=20,k2=6,lambda=0.3,shortlist=100) (default: off).",
    };

    public static Option<bool> Json() => new("--json")
    {
        Description = "Print machine-readable JSON on stdout.",
    };

    public static Option<int> K(int defaultValue) => new("-k", "--k")
    {
        Description = $"Number of look-alikes per query, 1–1000 (default {defaultValue}).",
        DefaultValueFactory = _ => defaultValue,
    };

    public static Option<string[]> Where() => new("--where")
    {
        Description = "Metadata filter column=value; repeat for more (same column: any of; different columns: all).",
        AllowMultipleArgumentsPerToken = false,
    };

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
        DefaultValueFactory = _ => EmbedderChoice.AutoBatch,
    };

    /// <summary><c>--precision fp32|int8</c>; not given: the store's own, else this CPU's default for a new store.</summary>
    public static Option<EmbeddingPrecision?> Precision() => new("--precision")
    {
        Description = "fp32 or int8 (resnet18's int8 copy, model resnet18-int8[+gem3], ~3x faster). Default: the store's own; for a new store int8 where the CPU has VNNI or AMX, else fp32. A store keeps one, and queries take it from the store.",
    };

    /// <summary><c>--decode-timeout SECONDS</c>, shared with <c>index</c>.</summary>
    public static Option<int?> DecodeTimeout() => new("--decode-timeout")
    {
        Description = "Longest time one image may take to decode, in seconds; longer is a per-file failure (index) or a 422 (serve). 0 disables (default 30).",
    };

    /// <summary><c>--otlp</c>: push metrics and traces to an OpenTelemetry collector (docs/observability.md).</summary>
    public static Option<string?> Otlp() => new("--otlp")
    {
        Description = "Push Lookalike's metrics and traces over OTLP/HTTP to this collector address, e.g. http://127.0.0.1:4318 (docs/observability.md).",
    };

    /// <summary>Starts the OTLP push <c>--otlp</c> asks for (disposing it flushes); null when not asked.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming <c>--otlp</c> for anything but an http(s) URL.</exception>
    public static IDisposable? StartOtlpExport(string? endpoint) =>
        string.IsNullOrEmpty(endpoint) ? null
            : Microsoft.Extensions.DependencyInjection.LookalikeTelemetryExtensions.StartOtlpExport(
                Microsoft.Extensions.DependencyInjection.LookalikeTelemetryExtensions.ParseOtlpEndpoint(endpoint, "--otlp"));

    /// <summary>The decode limit <c>--decode-timeout</c> asks for; null: the default.</summary>
    /// <exception cref="LookalikeException">InvalidArgument when negative or over a day.</exception>
    public static TimeSpan? DecodeTimeoutOf(int? seconds) => seconds switch
    {
        null => null,
        < 0 or > 86_400 => throw LookalikeException.InvalidArgument("--decode-timeout", $"--decode-timeout must be 0–86400 seconds (0 disables); got {seconds}."),
        _ => TimeSpan.FromSeconds(seconds.Value),
    };
}
