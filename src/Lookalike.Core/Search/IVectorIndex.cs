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

    /// <summary>Adds the item or replaces its vector.</summary>
    void Upsert(ItemId id, ReadOnlySpan<float> vector);

    /// <summary>Removes the item; false when it was not there.</summary>
    bool Remove(ItemId id);

    bool Contains(ItemId id);

    /// <summary>A copy of the item's stored vector, or null.</summary>
    float[]? GetVector(ItemId id);

    /// <summary>The best <see cref="SearchRequest.K"/> matches, best first.</summary>
    /// <exception cref="ArgumentException">The query length differs from <see cref="Dimension"/>.</exception>
    IReadOnlyList<SearchHit> Search(ReadOnlySpan<float> query, SearchRequest request);
}
