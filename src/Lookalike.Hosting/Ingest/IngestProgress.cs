namespace Lookalike.Hosting.Ingest;

/// <summary>A progress snapshot: <see cref="Done"/> of <see cref="Total"/> files handled (embedded, skipped or failed).</summary>
public readonly record struct IngestProgress(int Done, int Total, int Embedded, int Failed, TimeSpan Elapsed)
{
    /// <summary>Embedded images per second so far.</summary>
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? Embedded / Elapsed.TotalSeconds : 0;
}
