namespace Lookalike.Core.Embedding;

/// <summary>Numeric precision of the embedding network.</summary>
public enum EmbeddingPrecision
{
    /// <summary>32-bit floats, the model as published.</summary>
    Fp32,
    /// <summary>8-bit integer weights and activations (static QDQ quantisation calibrated on sample photos).</summary>
#pragma warning disable CA1720 // "Int8" is the precision's name (as in --precision int8), not a type used as an identifier
    Int8,
#pragma warning restore CA1720
}

/// <summary>Hardware the embedding network runs on.</summary>
public enum EmbeddingDevice
{
    /// <summary>The CPU (always available).</summary>
    Cpu,
    /// <summary>An NVIDIA GPU through ONNX Runtime's CUDA execution provider (GPU build only).</summary>
    Cuda,
}
