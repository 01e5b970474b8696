using Lookalike.Core.Catalog;

namespace Lookalike.Core.Search;

/// <summary>
/// Finds the items whose unit vectors have the highest dot product (cosine) with a query.
/// Implementations are thread-safe: searches may run while items are added or removed.
/// </summary>
public interface IVectorIndex : IDisposable
{
    /// <summary>Printable descriptor of the index and its parameters, e.g. <c>exact</c>.</summary>
    string Spec { get; }

    int Dimension { get; }

    int Count { get; }

    /// <summary>Bytes of memory the index holds (vectors and graph), for <c>info</c> and benchmarks.</summary>
    long MemoryBytes { get; }

    /// <summary>
    /// True when the index applies <see cref="SearchRequest.Where"/> itself, next to the items' metadata (a cluster's
    /// shards), so a caller sends the conditions instead of a predicate that would need every item's metadata here.
    /// </summary>
    bool FiltersByMetadata => false;

    /// <summary>Adds the item or replaces its vector.</summary>
    void Upsert(ItemId id, ReadOnlySpan<float> vector);

    /// <summary>Removes the item; false when it was not there.</summary>
    bool Remove(ItemId id);

    bool Contains(ItemId id);

    /// <summary>A copy of the item's stored vector (decoded to float32), or null.</summary>
    float[]? GetVector(ItemId id);

    /// <summary>The best <see cref="SearchRequest.K"/> matches, best first.</summary>
    /// <exception cref="ArgumentException">The query length differs from <see cref="Dimension"/>.</exception>
    IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, SearchRequest request);

    /// <summary>
    /// Searches many queries at once (<paramref name="queries"/> is <paramref name="queryCount"/>×<see cref="Dimension"/>,
    /// row-major); <paramref name="exclude"/>, when given, names one item per query to leave out.
    /// </summary>
    IReadOnlyList<SearchHit>[] SearchBatch(ReadOnlySpan<float> queries, int queryCount, SearchRequest request, IReadOnlyList<ItemId?>? exclude = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var results = new IReadOnlyList<SearchHit>[queryCount];
        for (int i = 0; i < queryCount; i++)
            results[i] = Search(queries.Slice(i * Dimension, Dimension), exclude is null ? request : request with { Exclude = exclude[i] });
        return results;
    }
}
