using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Hosting.Serving;

namespace Lookalike.Hosting.Query;

// Browsing and live edits for a long-running service (the HTTP server): listing with paging and filters, facets for
// category filters, and adding or removing items so the next query sees them without reloading the store.
public sealed partial class QueryService
{
    // Ids in ordinal order for paging; rebuilt lazily after an edit. Guarded by _itemsLock.
    private ItemId[]? _sortedIds;

    // Facets are computed from all items; cached until the next edit. Guarded by _itemsLock.
    private (int MaxValues, IReadOnlyList<CatalogFacet> Facets)? _facets;

    // One edit at a time, so the store, the in-memory items and the index change in the same order.
    private readonly Lock _editLock = new();

    // Bumped by every add or remove (Changed). Guarded by _itemsLock.
    private long _version;

    /// <summary>
    /// Increases with every item added or removed through this service (0 when opened): what views derived from the
    /// items (e.g. the recommendation service's item resolver) compare, per request, to notice an edit. An in-memory
    /// counter, not the store's generation: reading that is a database round trip, and another process's writes are
    /// not in this service's index anyway (see docs/serving.md, "Not yet").
    /// </summary>
    public long CatalogVersion
    {
        get { lock (_itemsLock) return _version; }
    }

    /// <summary>Every item (without vectors) with the <see cref="CatalogVersion"/> they are current for, read together.</summary>
    public (long Version, IReadOnlyList<CatalogItem> Items) SnapshotItems()
    {
        lock (_itemsLock) return (_version, AllItems().Values.ToList());
    }

    /// <summary>The model that embeds outside photos (loads it on first use).</summary>
    /// <exception cref="LookalikeException">ModelUnavailable when the model cannot be loaded.</exception>
    public ModelId QueryModel => _embedder.Value.Model;

    /// <summary>The model recorded in the store when it was opened; null for a store never indexed.</summary>
    public ModelId? StoreModel => _model;

    /// <summary>True once the query model is loaded.</summary>
    public bool IsModelLoaded => _embedder.IsValueCreated;

    /// <summary>
    /// The items matching <paramref name="filter"/>, in ordinal id order, page <paramref name="page"/> of
    /// <paramref name="pageSize"/>. A page past the end is empty (with the right <see cref="CatalogPage.Total"/>).
    /// </summary>
    /// <exception cref="LookalikeException">InvalidArgument for page &lt; 1, page size &lt; 1, or an unknown filter column.</exception>
    public CatalogPage ListItems(ItemFilter? filter, int page, int pageSize)
    {
        if (page < 1) throw LookalikeException.InvalidArgument("page", $"page must be 1 or more; got {page}.");
        if (pageSize < 1) throw LookalikeException.InvalidArgument("pageSize", $"pageSize must be 1 or more; got {pageSize}.");
        bool filtered = filter is { IsEmpty: false };
        if (filtered) CheckFilterColumns(filter!);

        ItemId[] ids;
        lock (_itemsLock)
        {
            _sortedIds ??= AllItems().Keys.Order(ItemId.Ordinal).ToArray();
            ids = _sortedIds;
        }

        long skip = (long)(page - 1) * pageSize;
        var entries = new List<CatalogEntry>(Math.Min(pageSize, 256));
        int total = 0;
        foreach (var id in ids)
        {
            if (!TryGetItem(id, out var item)) continue; // removed since the snapshot
            if (filtered && !filter!.Matches(item.Metadata)) continue;
            if (total >= skip && entries.Count < pageSize) entries.Add(ToEntry(item));
            total++;
        }
        return new CatalogPage(page, pageSize, total, entries);
    }

    /// <summary>The stored item without its vector, as listed.</summary>
    /// <exception cref="LookalikeException">NotFound when the store has no such item.</exception>
    public CatalogEntry GetEntry(ItemId id) =>
        TryGetItem(id, out var item) ? ToEntry(item) : throw LookalikeException.NotFound(id.Value, $"No item '{id}' in the store.");

    /// <summary>Every metadata column with its values (most frequent first; ties by value), columns by name.</summary>
    /// <param name="maxValues">Columns with more distinct values than this get an empty value list.</param>
    public IReadOnlyList<CatalogFacet> Facets(int maxValues)
    {
        lock (_itemsLock)
        {
            if (_facets is { } cached && cached.MaxValues == maxValues) return cached.Facets;
            var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
            foreach (var item in AllItems().Values)
            {
                foreach (var (column, value) in item.Metadata)
                {
                    if (!counts.TryGetValue(column, out var values))
                        counts[column] = values = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                    values[value] = values.GetValueOrDefault(value) + 1;
                }
            }
            var facets = counts
                .OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => new CatalogFacet(c.Key, c.Value.Count, c.Value.Count > maxValues
                    ? []
                    : c.Value.OrderByDescending(v => v.Value).ThenBy(v => v.Key, StringComparer.Ordinal).Select(v => new FacetValue(v.Key, v.Value)).ToList()))
                .ToList();
            _facets = (maxValues, facets);
            return facets;
        }
    }

    /// <summary>
    /// Adds or replaces <paramref name="item"/> (with its unit vector, made by <see cref="QueryModel"/>): first in the
    /// store, in one transaction, then in memory, so the next query sees it. Binds an unbound store to the model.
    /// </summary>
    /// <exception cref="LookalikeException">
    /// ModelMismatch when the item's model is not the store's; InvalidArgument when the vector length is not the
    /// index dimension; StoreUnavailable when the store cannot be written.
    /// </exception>
    public void AddItem(CatalogItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_editLock)
        {
            if (_model is { } model && model != item.Model)
                throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                    $"Store {_store.Location} holds vectors of model '{model}', not '{item.Model}'.", _store.Location);
            int rawDimension = _space.Projection?.InputDimension ?? _index.Dimension;
            if (item.Vector.Length != rawDimension)
                throw LookalikeException.InvalidArgument("vector",
                    $"The item's vector has {item.Vector.Length} dimensions; the store's have {rawDimension}.");
            if (_model is null) _store.BindModel(item.Model, item.Vector.Length);
            _store.Upsert([item]);
            // Items before the index: a search hit must always find its item.
            lock (_itemsLock)
            {
                var stored = item with { Vector = ReadOnlyMemory<float>.Empty };
                if (_items is not null) _items[item.Id] = stored;
                else _looked[item.Id] = stored;
                Changed();
            }
            // The store keeps the raw vector (the truth); the index holds it in the learned space.
            _index.Upsert(item.Id, _space.Map(item.Vector.Span));
        }
    }

    /// <summary>Removes the item from the store and from memory; returns it (without vector), or null when absent.</summary>
    /// <exception cref="LookalikeException">StoreUnavailable when the store cannot be written.</exception>
    public CatalogItem? RemoveItem(ItemId id)
    {
        lock (_editLock)
        {
            if (!TryGetItem(id, out var item)) return null;
            _store.Remove([id]);
            // Index before items: a search hit must always find its item.
            _index.Remove(id);
            lock (_itemsLock)
            {
                if (_items is not null) _items.Remove(id);
                else _looked[id] = null;
                Changed();
            }
            return item;
        }
    }

    /// <summary>Rejects filters on columns no item has, naming the known ones.</summary>
    /// <exception cref="LookalikeException">InvalidArgument (field <c>where</c>).</exception>
    public void CheckFilterColumns(ItemFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (filter.IsEmpty) return;
        var known = MetadataColumns();
        var unknown = filter.Columns.Where(c => !known.Contains(c)).ToList();
        if (unknown.Count > 0)
            throw LookalikeException.InvalidArgument("where",
                $"Unknown metadata column '{unknown[0]}'. Known columns: {(known.Count == 0 ? "(none; index with --labels)" : string.Join(", ", known.Order()))}.");
    }

    private void Changed()
    {
        _version++;
        _sortedIds = null;
        _facets = null;
        _columns = null;
    }

    private static CatalogEntry ToEntry(CatalogItem item) =>
        new(item.Id.Value, item.Path, item.ContentHash, item.SizeBytes, item.ModifiedUtc, item.Metadata);
}
