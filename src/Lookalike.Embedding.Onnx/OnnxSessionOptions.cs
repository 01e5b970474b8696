using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx;

/// <summary>Turns <see cref="OnnxEmbeddingOptions"/> into ONNX Runtime session options (threads, optimisation, device).</summary>
internal static class OnnxSessionOptions
{
    public static SessionOptions Create(OnnxEmbeddingOptions options, out EmbeddingDevice device, out string? note)
    {
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = options.ParallelExecution ? options.IntraOpThreads : 1,
            ExecutionMode = options.ParallelExecution ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = options.Optimization switch
            {
                GraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            },
            EnableCpuMemArena = options.MemoryArena,
        };
        // Each session has its own pool; a spinning pool of one graph would steal cores from the next graph's run.
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.SpinWait ? "1" : "0");
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", options.SpinWait ? "1" : "0");
        (device, note) = options.Device == EmbeddingDevice.Cuda ? CudaProbe.TryAppend(sessionOptions) : (EmbeddingDevice.Cpu, null);
        return sessionOptions;
    }
}
