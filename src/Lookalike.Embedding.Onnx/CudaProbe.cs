using Lookalike.Core.Embedding;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// Asks ONNX Runtime for its CUDA execution provider at run time, so the CPU build needs no GPU code and
/// <c>--device cuda</c> degrades to the CPU with a reason instead of failing.
/// </summary>
/// <remarks>
/// The default package (<c>Microsoft.ML.OnnxRuntime</c>) has no CUDA provider: appending it fails at once. The GPU
/// build (<c>dotnet build -p:OnnxRuntimeGpu=true</c>, package <c>Microsoft.ML.OnnxRuntime.Gpu.Linux</c>) has it, and
/// it still fails when no device or no CUDA 12 / cuDNN 9 libraries are present. Either way the reason is kept.
/// </remarks>
internal static class CudaProbe
{
    /// <summary>Appends the CUDA provider (device 0) to <paramref name="options"/>, or returns the CPU and why.</summary>
    public static (EmbeddingDevice Device, string? Note) TryAppend(SessionOptions options)
    {
        try
        {
            options.AppendExecutionProvider_CUDA(0);
            return (EmbeddingDevice.Cuda, null);
        }
        catch (Exception e) when (e is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            string available = string.Join(", ", SafeProviders());
            return (EmbeddingDevice.Cpu,
                $"CUDA is not available ({FirstLine(e.Message)}; providers in this build: {available}); running on the CPU. " +
                "The GPU build needs `dotnet build -p:OnnxRuntimeGpu=true`, an NVIDIA driver, CUDA 12 and cuDNN 9.");
        }
    }

    private static string[] SafeProviders()
    {
        try
        {
            return OrtEnv.Instance().GetAvailableProviders();
        }
        catch (OnnxRuntimeException)
        {
            return ["unknown"];
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
