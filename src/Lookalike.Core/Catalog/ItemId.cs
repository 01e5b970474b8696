using Lookalike.Core.Errors;

namespace Lookalike.Core.Catalog;

/// <summary>
/// An item's identity: its path relative to the indexed folder, '/'-separated (e.g. <c>images/123.jpg</c>).
/// Validated on construction: no empty segments, no '.' or '..', no leading '/', no backslash or control characters,
/// at most 1024 characters, so an id can never address a file outside the catalog.
/// </summary>
public readonly record struct ItemId
{
    public const int MaxLength = 1024;

    private ItemId(string value) => Value = value;

    public string Value { get; }

    public override string ToString() => Value;

    /// <summary>Orders ids by ordinal string comparison, as the store does.</summary>
    public static IComparer<ItemId> Ordinal { get; } = Comparer<ItemId>.Create(static (a, b) => string.CompareOrdinal(a.Value, b.Value));

    /// <summary>Parses a user- or file-supplied id.</summary>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.InvalidArgument"/> with the reason.</exception>
    public static ItemId Parse(string value)
    {
        string? error = Validate(value);
        if (error is not null) throw LookalikeException.InvalidArgument("id", $"Invalid item id '{Printable(value)}': {error}.");
        return new ItemId(value);
    }

    public static bool TryParse(string? value, out ItemId id)
    {
        id = default;
        if (value is null || Validate(value) is not null) return false;
        id = new ItemId(value);
        return true;
    }

    /// <summary>The id of <paramref name="fullPath"/> inside <paramref name="root"/>; null when the file lies outside it.</summary>
    public static ItemId? FromPath(string root, string fullPath)
    {
        string relative = Path.GetRelativePath(Path.GetFullPath(root), Path.GetFullPath(fullPath));
        if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)) return null;
        string value = relative.Replace(Path.DirectorySeparatorChar, '/');
        return TryParse(value, out var id) ? id : null;
    }

    private static string? Validate(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "it is empty";
        if (value.Length > MaxLength) return $"it is longer than {MaxLength} characters";
        if (value[0] == '/') return "it must be relative (no leading '/')";
        foreach (char c in value)
        {
            if (char.IsControl(c)) return "it contains a control character";
            if (c == '\\') return "it contains '\\' (use '/')";
        }
        foreach (var segment in value.Split('/'))
        {
            if (segment.Length == 0) return "it contains an empty path segment";
            if (segment is "." or "..") return "it contains a '.' or '..' segment";
        }
        return null;
    }

    private static string Printable(string? value) =>
        value is null ? "" : new string(value.Take(120).Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
