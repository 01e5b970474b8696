namespace Lookalike.Hosting.Ingest;

/// <summary>Tunables of an index run; see docs/parameters.md.</summary>
public sealed class IngestOptions
{
    /// <summary>Items written per store transaction. Larger batches are faster; a crash loses at most one batch of work.</summary>
    public int WriteBatchSize { get; set; } = 64;

    /// <summary>Longest time an embedded item waits before its batch is written, in milliseconds.</summary>
    public int WriteBatchMaxDelayMs { get; set; } = 1000;

    /// <summary>Parallel decode workers; default half the cores (the model uses the rest), at least 1.</summary>
    public int DecodeWorkers { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>File extensions considered images (case-insensitive). Content is still sniffed from the bytes.</summary>
    public IReadOnlySet<string> Extensions { get; set; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".bmp" };
}
