namespace Lookalike.Hosting.Serving;

/// <summary>One catalog item as listed: no vector.</summary>
/// <param name="Id">The item id, '/'-separated.</param>
/// <param name="Path">Absolute path of the photo when it was indexed or uploaded.</param>
/// <param name="ContentHash">Lower-case hex SHA-256 of the photo's bytes; changes when the photo does.</param>
/// <param name="SizeBytes">Size of the photo file in bytes.</param>
/// <param name="ModifiedUtc">Modification time of the photo file when indexed.</param>
/// <param name="Metadata">Column → value, e.g. from a labels CSV.</param>
public sealed record CatalogEntry(
    string Id,
    string Path,
    string ContentHash,
    long SizeBytes,
    DateTimeOffset ModifiedUtc,
    IReadOnlyDictionary<string, string> Metadata);

/// <summary>A page of the catalog in id order.</summary>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Items per page as asked.</param>
/// <param name="Total">Items matching the filter, over all pages.</param>
/// <param name="Items">At most <paramref name="PageSize"/> items; empty past the last page.</param>
public sealed record CatalogPage(int Page, int PageSize, int Total, IReadOnlyList<CatalogEntry> Items)
{
    /// <summary>Number of pages (0 when nothing matches).</summary>
    public int Pages => PageSize <= 0 ? 0 : (Total + PageSize - 1) / PageSize;
}

/// <summary>One metadata value and how many items carry it.</summary>
public sealed record FacetValue(string Value, int Count);

/// <summary>
/// A metadata column across the catalog. <see cref="Values"/> lists every value (most frequent first) when there are
/// at most the asked maximum; otherwise it is empty and the column is not useful as a category filter.
/// </summary>
public sealed record CatalogFacet(string Name, int Distinct, IReadOnlyList<FacetValue> Values);
