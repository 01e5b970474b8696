namespace Lookalike.Core.Learning;

/// <summary>
/// What a stored projection is and where it came from, kept beside its weights so that the store describes itself
/// (<c>info --json</c> → <c>"projection"</c>).
/// </summary>
public sealed record ProjectionDescriptor
{
    /// <summary><c>head</c>, <c>lw</c> or <c>lda</c>.</summary>
    public required string Method { get; init; }

    /// <summary><c>labels</c> or <c>feedback</c>.</summary>
    public required string Source { get; init; }

    /// <summary>The label column learned from (labels only).</summary>
    public string? LabelColumn { get; init; }

    /// <summary>The <c>--where</c> filter that chose the learning items, printable; null: every item.</summary>
    public string? Filter { get; init; }

    /// <summary>Feedback only: events before this instant (ISO 8601); null: all.</summary>
    public string? Before { get; init; }

    /// <summary>Labels only: extra views of each learning item's photo embedded as more rows of its class (<c>learn --augment</c>: <c>flip</c>, <c>zoom</c>, <c>flip,zoom</c>); null: none.</summary>
    public string? Augment { get; init; }

    /// <summary>Items that took part in learning.</summary>
    public required int Items { get; init; }

    /// <summary>Classes (labels) learned from; 0 for feedback.</summary>
    public int Classes { get; init; }

    /// <summary>Positive pairs (feedback) learned from; 0 for labels.</summary>
    public int Pairs { get; init; }

    /// <summary>The store generation the projection was fitted on.</summary>
    public required long FittedGeneration { get; init; }

    /// <summary>The model whose vectors it takes.</summary>
    public required string Model { get; init; }

    public required int InputDimension { get; init; }

    public required int OutputDimension { get; init; }

    public required DateTimeOffset CreatedUtc { get; init; }

    /// <summary>Wall seconds the fit took.</summary>
    public double Seconds { get; init; }

    /// <summary>A one-line summary for people: <c>learned from labels 'articleType' (head, 4,792 items, 70 classes)</c>.</summary>
    public string Summary => Source == "labels"
        ? $"learned from labels '{LabelColumn}'{(Filter is null ? "" : $" where {Filter}")} ({Method}, {Items:N0} items, {Classes:N0} classes{(Augment is null ? "" : $", augmented {Augment}")})"
        : $"learned from feedback{(Before is null ? "" : $" before {Before}")}{(Filter is null ? "" : $" where {Filter}")} ({Method}, {Pairs:N0} pairs of {Items:N0} items)";
}

/// <summary>A projection as a store keeps it: its weights, its descriptor, and the store's version number for it.</summary>
/// <param name="Version">Counts learn runs on the store, never reused: derived caches (HNSW) are keyed by it.</param>
public sealed record StoredProjection(long Version, ProjectionDescriptor Descriptor, Projection Projection)
{
    /// <summary>Names this projection in derived caches: version and fingerprint of the weights.</summary>
    public string Key => $"v{Version}-{Projection.Fingerprint()}";
}
