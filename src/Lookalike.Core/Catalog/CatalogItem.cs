namespace Lookalike.Core.Catalog;

/// <summary>One catalog entry as stored: where its photo came from, its fingerprint, metadata and embedding.</summary>
public sealed record CatalogItem
{
    public required ItemId Id { get; init; }

    /// <summary>Absolute path of the source image when indexed (may no longer exist).</summary>
    public required string Path { get; init; }

    /// <summary>Lower-case hex SHA-256 of the file's bytes.</summary>
    public required string ContentHash { get; init; }

    public required long SizeBytes { get; init; }

    public required DateTimeOffset ModifiedUtc { get; init; }

    /// <summary>Free-form metadata (e.g. from a labels CSV): column name → value.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;

    /// <summary>The model that produced <see cref="Vector"/>.</summary>
    public required ModelId Model { get; init; }

    /// <summary>Store generation of the item's last write (0 when not read from a store); derived caches refresh by it.</summary>
    public long Generation { get; init; }

    /// <summary>Unit-length embedding; empty when the item was read without vectors.</summary>
    public ReadOnlyMemory<float> Vector { get; init; }

    public static IReadOnlyDictionary<string, string> EmptyMetadata { get; } = new Dictionary<string, string>();
}
