namespace Lookalike.Hosting.Query;

/// <summary>
/// One ranked item, rank 1 first, with what a person needs to see it: the answer row of look-alikes (<c>similar</c>,
/// photo search, uploads) and of recommendations alike. The score's scale depends on who ranked it: cosine for
/// look-alikes and visual strategies, the blended 0…Σweights for the hybrid.
/// </summary>
public sealed record RankedItem(int Rank, string Id, string Path, float Score, IReadOnlyDictionary<string, string> Metadata);
