using System.Text.Json.Serialization;
using Lookalike.Core.Catalog;

namespace Lookalike.Hosting.Ingest;

/// <summary>A file that could not be indexed, and why.</summary>
/// <param name="Path">The file.</param>
/// <param name="Kind">Error kind, e.g. CorruptImage.</param>
/// <param name="Message">Human-readable reason.</param>
public sealed record IngestFailure(string Path, string Kind, string Message);

/// <summary>What an index run did.</summary>
public sealed record IngestSummary
{
    public required int FilesSeen { get; init; }
    /// <summary>New items embedded.</summary>
    public required int Added { get; init; }
    /// <summary>Existing items whose content changed, re-embedded.</summary>
    public required int Updated { get; init; }
    /// <summary>Items whose file was unchanged (at most metadata or timestamps refreshed).</summary>
    public required int Skipped { get; init; }
    /// <summary>Items removed because their file vanished (with prune).</summary>
    public required int Removed { get; init; }
    /// <summary>Stored items whose file is gone but were kept (no prune).</summary>
    public required int Missing { get; init; }
    public required IReadOnlyList<IngestFailure> Failures { get; init; }
    /// <summary>Items whose vector or metadata this run wrote (added, updated, relabelled): what a live index must reload.</summary>
    [JsonIgnore] // one id per photo: not for the run's printed summary
    public IReadOnlyList<ItemId> Changed { get; init; } = [];
    /// <summary>Stored items whose file was not found (removed from the store with prune, else kept).</summary>
    [JsonIgnore]
    public IReadOnlyList<ItemId> Gone { get; init; } = [];
    public required TimeSpan Elapsed { get; init; }
    /// <summary>Images embedded per second over the run.</summary>
    public double ImagesPerSecond => Elapsed.TotalSeconds > 0 ? (Added + Updated) / Elapsed.TotalSeconds : 0;
}
