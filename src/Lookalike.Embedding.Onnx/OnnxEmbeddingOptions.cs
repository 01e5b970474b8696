using Lookalike.Core.Embedding;
namespace Lookalike.Embedding.Onnx;

/// <summary>
/// Tuning for <see cref="OnnxImageEmbedder"/>. Only <see cref="Precision"/> changes the vectors, and it is part of the
/// model id; everything else is speed only. Every field is documented once more, with measured effects, in
/// docs/parameters.md and this project's README.
/// </summary>
public sealed record OnnxEmbeddingOptions
{
    /// <summary>
    /// Threads ONNX Runtime uses inside one <c>Run</c>, per graph session, 1–1024. Default
    /// <see cref="Environment.ProcessorCount"/>: lowest latency for one image. For bulk indexing use
    /// <see cref="ForThroughput"/> (1 thread, one caller per core).
    /// </summary>
    public int IntraOpThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether idle runtime threads busy-wait for the next piece of work (ONNX Runtime's
    /// <c>session.intra_op.allow_spinning</c>). Default false: spinning can shave a little latency on an idle machine
    /// but burns the cores other work needs; on a busy 2-core machine it made single-image latency about 3× worse.
    /// </summary>
    public bool SpinWait { get; init; }

    /// <summary>Graph optimisation level of the runtime. Default <see cref="GraphOptimization.All"/> (layout transforms and fusions).</summary>
    public GraphOptimization Optimization { get; init; } = GraphOptimization.All;

    /// <summary>
    /// Run independent branches of the graph concurrently (ONNX Runtime's parallel execution mode, with
    /// <see cref="IntraOpThreads"/> inter-op threads). Default false: a CNN is a chain with only short side branches,
    /// so it only adds scheduling overhead.
    /// </summary>
    public bool ParallelExecution { get; init; }

    /// <summary>The runtime's CPU memory arena (reuses activation buffers between runs). Default true.</summary>
    public bool MemoryArena { get; init; } = true;

    /// <summary>
    /// Replace a leading preprocessing graph made only of channel reordering and constant addition/subtraction
    /// (the built-in resnet18's <c>ResNetPreprocess.onnx</c>) by the same arithmetic in C#, after proving at load
    /// that it gives bit-identical tensors. Default true; false runs the graph as is (tests compare the two).
    /// </summary>
    public bool FoldPreprocess { get; init; } = true;

    /// <summary>
    /// Numeric precision of the network. <see cref="EmbeddingPrecision.Fp32"/> (default) runs the files as given;
    /// <see cref="EmbeddingPrecision.Int8"/> runs a statically quantised copy (see <c>Quantization/</c>). Vectors
    /// differ between precisions, so the precision is part of <see cref="OnnxImageEmbedder.Model"/>.
    /// </summary>
    public EmbeddingPrecision Precision { get; init; } = EmbeddingPrecision.Fp32;

    /// <summary>
    /// Where the network runs. <see cref="EmbeddingDevice.Cuda"/> needs the GPU build of ONNX Runtime and a CUDA device;
    /// without them the embedder falls back to the CPU and says why in <see cref="OnnxImageEmbedder.DeviceNote"/>.
    /// </summary>
    public EmbeddingDevice Device { get; init; } = EmbeddingDevice.Cpu;

    /// <summary>
    /// Images per runtime call in <see cref="OnnxImageEmbedder.EmbedBatch"/>, 1–256. Default 1. Above 1 the network is
    /// loaded from an in-memory copy whose fixed batch dimension of 1 is rewritten to a symbolic one (the NuGet
    /// ResNet18 is fixed at 1); the files, and so the model id, are unchanged.
    /// </summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>Options for bulk indexing: one runtime thread per call and no spinning, so one caller per core keeps every core on its own image.</summary>
    public static OnnxEmbeddingOptions ForThroughput() => new() { IntraOpThreads = 1 };
}

/// <summary>ONNX Runtime graph optimisation levels.</summary>
public enum GraphOptimization
{
    /// <summary>No graph rewriting.</summary>
    Disabled,
    /// <summary>Constant folding and redundant-node removal.</summary>
    Basic,
    /// <summary>Basic plus operator fusions (e.g. Conv+BatchNorm+Relu).</summary>
    Extended,
    /// <summary>Extended plus layout transforms (NCHWc blocked convolutions on x64).</summary>
    All,
}
