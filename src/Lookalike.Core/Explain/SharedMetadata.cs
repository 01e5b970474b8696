namespace Lookalike.Core.Explain;

/// <summary>One metadata column both items have: the two values and whether they are the same (case-insensitive).</summary>
public sealed record MetadataMatch(string Column, string QueryValue, string ResultValue, bool Same);

/// <summary>What two items' metadata have in common ("same category, different colour").</summary>
public static class SharedMetadata
{
    /// <summary>Columns present (non-empty) in both, the same ones first, each group in column order; an <c>id</c> column is left out.</summary>
    public static IReadOnlyList<MetadataMatch> Compare(IReadOnlyDictionary<string, string>? query, IReadOnlyDictionary<string, string>? result)
    {
        if (query is null || result is null) return [];
        var matches = new List<MetadataMatch>();
        foreach (var (column, value) in query)
        {
            if (string.IsNullOrWhiteSpace(value) || string.Equals(column, "id", StringComparison.OrdinalIgnoreCase)) continue; // an identifier differs by definition
            string? other = result.TryGetValue(column, out var v) ? v
                : result.FirstOrDefault(p => string.Equals(p.Key, column, StringComparison.OrdinalIgnoreCase)).Value;
            if (string.IsNullOrWhiteSpace(other)) continue;
            matches.Add(new MetadataMatch(column, value.Trim(), other.Trim(), string.Equals(value.Trim(), other.Trim(), StringComparison.OrdinalIgnoreCase)));
        }
        return matches.OrderByDescending(m => m.Same).ThenBy(m => m.Column, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
