namespace Lookalike.Hosting.Ingest;

/// <summary>Tunables of an index run; see docs/parameters.md.</summary>
public sealed class IngestOptions
{
    /// <summary>Items written per store transaction. Larger batches are faster; a crash loses at most one batch of work.</summary>
    public int WriteBatchSize { get; set; } = 64;

    /// <summary>Longest time an embedded item waits before its batch is written, in milliseconds.</summary>
    public int WriteBatchMaxDelayMs { get; set; } = 1000;

    /// <summary>
    /// Parallel decode workers (dedicated threads); default 1. Decoding a photo fitted to 224×224 costs a few
    /// percent of one inference, so one worker keeps any number of embedding workers fed on a small machine; raise
    /// it for catalogs of large photos (see docs/benchmarks.md, "Indexing throughput").
    /// </summary>
    public int DecodeWorkers { get; set; } = 1;

    /// <summary>
    /// Threads calling the embedder concurrently (dedicated threads); default 1. With an embedder created with
    /// <c>OnnxEmbeddingOptions.ForThroughput()</c> (one runtime thread per call) set this to the core count, so every
    /// core works on its own image; with a multi-threaded embedder keep 1.
    /// </summary>
    public int EmbedWorkers { get; set; } = 1;

    /// <summary>Decoded images waiting for an embedding worker; bounds memory (~150 KB each at 224×224). Default 16.</summary>
    public int DecodedQueue { get; set; } = 16;

    /// <summary>File extensions considered images (case-insensitive). Content is still sniffed from the bytes.</summary>
    public IReadOnlySet<string> Extensions { get; set; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".bmp" };
}
