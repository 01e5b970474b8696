using Lookalike.Core.Catalog;

namespace Lookalike.Core.Search;

/// <summary>One result: the item and its cosine similarity to the query (−1…1, higher is more alike).</summary>
public readonly record struct SearchHit(ItemId Id, float Score);
