using System.Globalization;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Recommendations;

/// <summary>How feedback files name items (see <see cref="ItemResolver"/>).</summary>
public sealed record ItemMapping
{
    /// <summary>
    /// A composite format turning the file's value into an item id, <c>{0}</c> = the value, e.g. <c>images/{0}.jpg</c>;
    /// null: the value itself, then the fallbacks.
    /// </summary>
    public string? Format { get; init; }

    /// <summary>A metadata column (from the labels CSV) whose value names the item, e.g. <c>article_id</c>; null: not used.</summary>
    public string? MetadataColumn { get; init; }
}

/// <summary>
/// Turns an item reference from a feedback file or a command line into a catalog item id, in this order:
/// with <see cref="ItemMapping.Format"/>: the formatted id only; with <see cref="ItemMapping.MetadataColumn"/>: the item
/// whose metadata has that value only; otherwise the value as an id, then the one item whose file name without extension
/// equals the value (so H&amp;M's <c>0108775015</c> finds <c>images/0108775015.jpg</c>). Values are trimmed and compared
/// as text (leading zeros matter).
/// </summary>
public sealed class ItemResolver
{
    private readonly ItemMapping _mapping;
    private readonly HashSet<ItemId> _ids;
    private readonly Dictionary<string, ItemId?> _byKey;
    private readonly Dictionary<string, ItemId?> _byStem;

    /// <param name="items">The catalog (metadata needed only for <see cref="ItemMapping.MetadataColumn"/>).</param>
    public ItemResolver(IEnumerable<CatalogItem> items, ItemMapping? mapping = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        _mapping = mapping ?? new ItemMapping();
        if (_mapping.Format is { } format)
        {
            try { _ = string.Format(CultureInfo.InvariantCulture, format, "x"); }
            catch (FormatException)
            {
                throw LookalikeException.InvalidArgument("item-format", $"Item format '{format}' is not a valid format: use {{0}} for the value, e.g. images/{{0}}.jpg.");
            }
            if (!format.Contains("{0", StringComparison.Ordinal))
                throw LookalikeException.InvalidArgument("item-format", $"Item format '{format}' does not use the value: put {{0}} where it goes, e.g. images/{{0}}.jpg.");
        }
        _ids = [];
        _byKey = new Dictionary<string, ItemId?>(StringComparer.Ordinal);
        _byStem = new Dictionary<string, ItemId?>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            _ids.Add(item.Id);
            if (_mapping.MetadataColumn is { } column)
            {
                if (TryGetMetadata(item.Metadata, column, out string key)) AddUnique(_byKey, key.Trim(), item.Id);
            }
            string name = item.Id.Value[(item.Id.Value.LastIndexOf('/') + 1)..];
            AddUnique(_byStem, Path.GetFileNameWithoutExtension(name), item.Id);
        }
        if (_mapping.MetadataColumn is { } c && _byKey.Count == 0)
            throw LookalikeException.InvalidArgument("item-column", $"No catalog item has metadata column '{c}' (index with --labels to add metadata).");
    }

    public int CatalogSize => _ids.Count;

    public bool Contains(ItemId id) => _ids.Contains(id);

    /// <summary>The item named by <paramref name="value"/>, or null with the reason.</summary>
    public ItemId? Resolve(string? value, out string? error)
    {
        error = null;
        string v = value?.Trim() ?? "";
        if (v.Length == 0) { error = "the item is empty"; return null; }
        if (_mapping.Format is { } format)
        {
            string formatted = string.Format(CultureInfo.InvariantCulture, format, v);
            if (ItemId.TryParse(formatted, out var id) && _ids.Contains(id)) return id;
            error = $"no item '{formatted}' in the catalog";
            return null;
        }
        if (_mapping.MetadataColumn is { } column)
        {
            if (_byKey.TryGetValue(v, out var byKey))
            {
                if (byKey is { } found) return found;
                error = $"several items have {column} = '{v}'";
                return null;
            }
            error = $"no item has {column} = '{v}'";
            return null;
        }
        if (ItemId.TryParse(v, out var direct) && _ids.Contains(direct)) return direct;
        if (_byStem.TryGetValue(v, out var byStem))
        {
            if (byStem is { } found) return found;
            error = $"'{v}' names several items (files with that name in different folders); give the item id (path)";
            return null;
        }
        error = $"no item '{v}' in the catalog";
        return null;
    }

    /// <summary>Like <see cref="Resolve(string?, out string?)"/>, throwing NotFound.</summary>
    /// <exception cref="LookalikeException">NotFound naming the value.</exception>
    public ItemId Resolve(string value) =>
        Resolve(value, out string? error) ?? throw LookalikeException.NotFound(value, $"Unknown item '{value}': {error}.");

    private static void AddUnique(Dictionary<string, ItemId?> map, string key, ItemId id)
    {
        if (key.Length == 0) return;
        // Two items with one key: remember the clash (null) so the key is reported as ambiguous, never guessed.
        if (map.TryGetValue(key, out var existing)) { if (existing != id) map[key] = null; }
        else map[key] = id;
    }

    private static bool TryGetMetadata(IReadOnlyDictionary<string, string> metadata, string column, out string value)
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
