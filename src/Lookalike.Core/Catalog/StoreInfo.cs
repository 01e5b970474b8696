namespace Lookalike.Core.Catalog;

/// <summary>A summary of a store, as <c>lookalike info</c> prints it.</summary>
public sealed record StoreInfo
{
    public required string Location { get; init; }
    public required int Items { get; init; }
    public ModelId? Model { get; init; }
    public int Dimension { get; init; }
    /// <summary>Bytes on disk of the store's files (database, WAL).</summary>
    public required long StoreBytes { get; init; }
    public required int SchemaVersion { get; init; }
    /// <summary>Increases with every committed change; stamps derived caches.</summary>
    public required long Generation { get; init; }
    /// <summary>The folder last indexed into this store, if any.</summary>
    public string? Root { get; init; }
}
