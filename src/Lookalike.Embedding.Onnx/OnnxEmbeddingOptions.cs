namespace Lookalike.Embedding.Onnx;

/// <summary>Tuning for <see cref="OnnxImageEmbedder"/>. Nothing here changes the vectors, so nothing here is part of the model id.</summary>
public sealed record OnnxEmbeddingOptions
{
    /// <summary>
    /// Threads ONNX Runtime uses inside one <c>Run</c> (per graph session), 1–1024. Default
    /// <see cref="Environment.ProcessorCount"/>: lowest single-image latency. When many threads call
    /// <see cref="OnnxImageEmbedder.Embed"/> at once, 1 gives the best throughput (one image per core).
    /// </summary>
    public int IntraOpThreads { get; init; } = Environment.ProcessorCount;
}
