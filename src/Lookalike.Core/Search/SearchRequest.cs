using Lookalike.Core.Catalog;

namespace Lookalike.Core.Search;

/// <summary>What to search for besides the query vector.</summary>
/// <param name="K">How many results, 1–<see cref="MaxK"/>.</param>
/// <param name="Filter">Only items for which this returns true are results; applied during the scan so K still come back.</param>
/// <param name="Exclude">An item never returned (the query item itself).</param>
public sealed record SearchRequest(int K, Func<ItemId, bool>? Filter = null, ItemId? Exclude = null)
{
    public const int MaxK = 1000;
}
