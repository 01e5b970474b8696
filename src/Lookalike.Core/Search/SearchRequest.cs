using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Search;

/// <summary>What to search for besides the query vector.</summary>
/// <param name="K">How many results, 1–<see cref="MaxK"/>.</param>
/// <param name="Filter">Only items for which this returns true are results; applied during the search so K still come back.</param>
/// <param name="Exclude">An item never returned (the query item itself).</param>
/// <param name="Exact">Force an exact scan even on an approximate index (the answer an approximate index is checked against).</param>
public sealed record SearchRequest(int K, Func<ItemId, bool>? Filter = null, ItemId? Exclude = null, bool Exact = false)
{
    public const int MaxK = 1000;

    /// <summary>
    /// The metadata filter as conditions, for an index that applies them where the items' metadata lives
    /// (<see cref="IVectorIndex.FiltersByMetadata"/>: a cluster's shards); other indexes ignore it and use <see cref="Filter"/>.
    /// </summary>
    public ItemFilter? Where { get; init; }

    /// <summary><paramref name="k"/>, checked: 1–<see cref="MaxK"/>.</summary>
    /// <exception cref="LookalikeException">InvalidArgument (field <c>k</c>) outside the range.</exception>
    public static int CheckK(int k) => k is < 1 or > MaxK
        ? throw LookalikeException.InvalidArgument("k", $"k must be between 1 and {MaxK}; got {k}.")
        : k;
}
