using Lookalike.Core.Catalog;

namespace Lookalike.Hosting.Search;

/// <summary>
/// The items (metadata, path, fingerprint; no vectors) seen while an index loads, so opening a store for queries reads
/// each row once: vectors into the index, the rest into the item view.
/// </summary>
internal sealed class ItemCollector(int capacity)
{
    public Dictionary<ItemId, CatalogItem> Items { get; } = new(capacity);

    /// <summary>True when every row of the store passed through <see cref="Add"/> (a full read, not a cache hit).</summary>
    public bool Complete { get; private set; }

    public void Add(CatalogItem item) => Items[item.Id] = item.Vector.IsEmpty ? item : item with { Vector = default };

    public void Completed() => Complete = true;
}
