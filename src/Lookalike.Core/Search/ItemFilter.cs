using Lookalike.Core.Errors;

namespace Lookalike.Core.Search;

/// <summary>
/// Metadata conditions from <c>--where column=value</c> (CLI) or <c>where=column:value</c> (HTTP).
/// Conditions on the same column are alternatives (OR); different columns must all hold (AND).
/// Values compare case-insensitively.
/// </summary>
public sealed class ItemFilter
{
    private readonly Dictionary<string, HashSet<string>> _allowed;

    private ItemFilter(Dictionary<string, HashSet<string>> allowed) => _allowed = allowed;

    public static ItemFilter None { get; } = new([]);

    public bool IsEmpty => _allowed.Count == 0;

    public IEnumerable<string> Columns => _allowed.Keys;

    /// <summary>Parses conditions <c>column{separator}value</c>.</summary>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.InvalidArgument"/> naming the bad condition.</exception>
    public static ItemFilter Parse(IEnumerable<string> conditions, char separator = '=')
    {
        ArgumentNullException.ThrowIfNull(conditions);
        var allowed = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var condition in conditions)
        {
            int at = condition.IndexOf(separator, StringComparison.Ordinal);
            if (at <= 0 || at == condition.Length - 1)
                throw LookalikeException.InvalidArgument("where",
                    $"Malformed filter '{condition}': expected column{separator}value, e.g. class{separator}shoes.");
            string column = condition[..at].Trim();
            string value = condition[(at + 1)..].Trim();
            if (column.Length == 0 || value.Length == 0)
                throw LookalikeException.InvalidArgument("where", $"Malformed filter '{condition}': column and value must not be blank.");
            if (!allowed.TryGetValue(column, out var values))
                allowed[column] = values = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            values.Add(value);
        }
        return new ItemFilter(allowed);
    }

    /// <summary>True when <paramref name="metadata"/> satisfies every column's condition.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        foreach (var (column, values) in _allowed)
        {
            if (!TryGet(metadata, column, out var actual) || !values.Contains(actual)) return false;
        }
        return true;
    }

    /// <summary>The filter as <c>column=value</c> conditions, what <see cref="Parse"/> takes back (to send it where the items are).</summary>
    public IEnumerable<string> Conditions() => _allowed.SelectMany(kv => kv.Value.Select(value => $"{kv.Key}={value}"));

    public override string ToString() =>
        string.Join(" and ", _allowed.Select(kv => $"{kv.Key} in ({string.Join(", ", kv.Value)})"));

    private static bool TryGet(IReadOnlyDictionary<string, string> metadata, string column, out string value)
    {
        if (metadata.TryGetValue(column, out value!)) return true;
        foreach (var (key, v) in metadata)
        {
            if (string.Equals(key, column, StringComparison.OrdinalIgnoreCase)) { value = v; return true; }
        }
        value = "";
        return false;
    }
}
