namespace Lookalike.Embedding.Onnx;

/// <summary>Tuning for <see cref="OnnxImageEmbedder"/>. Nothing here changes the vectors, so nothing here is part of the model id.</summary>
public sealed record OnnxEmbeddingOptions
{
    /// <summary>
    /// Threads ONNX Runtime uses inside one <c>Run</c>, per graph session, 1–1024. Default
    /// <see cref="Environment.ProcessorCount"/>. When many threads call <see cref="OnnxImageEmbedder.Embed"/> at once
    /// (bulk indexing), 1 with one caller per core gives the most images per second.
    /// </summary>
    public int IntraOpThreads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Whether idle runtime threads busy-wait for the next piece of work (ONNX Runtime's
    /// <c>session.intra_op.allow_spinning</c>). Default false: spinning can shave a little latency on an idle machine
    /// but burns the cores other work needs; on a busy 2-core machine it made single-image latency about 3× worse.
    /// </summary>
    public bool SpinWait { get; init; }
}
