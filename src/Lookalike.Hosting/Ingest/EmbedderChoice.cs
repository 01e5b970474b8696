using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Embedding.Onnx;

namespace Lookalike.Hosting.Ingest;

/// <summary>
/// How an index run embeds: <see cref="Threads"/> workers, each calling a single-threaded session (measured the
/// fastest on 2 cores, docs/benchmarks.md), or one multi-threaded session on a GPU.
/// </summary>
/// <param name="Threads">Embedding workers, 1–1024; 0: one per core.</param>
/// <param name="Device">Where the network runs; CUDA falls back to the CPU with a note.</param>
/// <param name="Precision">fp32, or resnet18's int8 copy; null: the store's own, else <see cref="LookalikeComponents.DefaultPrecision"/> for a new store.</param>
/// <param name="BatchSize">Images per model call, 1–256; <see cref="AutoBatch"/>: by precision.</param>
public sealed record EmbedderChoice(int Threads = 0, EmbeddingDevice Device = EmbeddingDevice.Cpu, EmbeddingPrecision? Precision = null,
    int BatchSize = EmbedderChoice.AutoBatch)
{
    /// <summary>Default batch size: <see cref="EffectiveBatch"/> picks by precision (docs/benchmarks.md).</summary>
    public const int AutoBatch = 0;

    private int Workers => Threads > 0 ? Threads : Environment.ProcessorCount;

    /// <summary>Measured on 2 cores (1,000 products photos): int8 batch 8 used ~10% less CPU than batch 1; fp32 the same CPU and +200 MB.</summary>
    public int EffectiveBatch(bool quantized) => BatchSize > 0 ? BatchSize : quantized ? 8 : 1;

    public IngestOptions IngestOptions() => new() { EmbedWorkers = Workers };

    /// <summary>Loads <paramref name="model"/> (from <see cref="LookalikeComponents.ModelFor"/>) at <see cref="Precision"/> for bulk embedding.</summary>
    /// <param name="description">One line for the log: precision, workers, batch, device.</param>
    /// <param name="note">Why the requested device is not used; null when it is.</param>
    /// <exception cref="LookalikeException">InvalidArgument naming <c>--threads</c> or <c>--batch</c>; ModelUnavailable.</exception>
    public IImageEmbedder Create(string model, out string description, out string? note)
    {
        if (Threads is < 0 or > 1024)
            throw new LookalikeException(LookalikeErrorKind.InvalidArgument, $"--threads must be 1–1024 (got {Threads}).", "--threads");
        if (BatchSize is < 0 or > 256)
            throw new LookalikeException(LookalikeErrorKind.InvalidArgument, $"--batch must be 1–256 (got {BatchSize}).", "--batch");
        // An explicit int8 turns resnet18 variants int8; otherwise the name says (a stored or default int8 model is named so).
        ModelManifest manifest = BuiltInModels.Resolve(model, Precision ?? EmbeddingPrecision.Fp32);
        bool int8 = BuiltInModels.IsInt8(manifest);
        var options = OnnxEmbeddingOptions.ForThroughput() with { Device = Device, BatchSize = EffectiveBatch(int8) };
        var embedder = new OnnxImageEmbedder(manifest, options);
        description = $"{(int8 ? "int8" : "fp32")} · {Workers} embedding thread(s) × batch {embedder.BatchSize} on {embedder.Device.ToString().ToLowerInvariant()}";
        note = embedder.DeviceNote;
        return embedder;
    }
}
