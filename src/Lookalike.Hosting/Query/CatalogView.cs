using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Hosting.Serving;

namespace Lookalike.Hosting.Query;

/// <summary>
/// The catalog as a query service answers from it: the items its index holds, without vectors. An item's row is read
/// when a result or query names it; all of them only for listing, facets and filters. The one place scored ids become
/// answer rows (<see cref="Rank"/>) for look-alikes and recommendations alike. <see cref="CatalogEditor"/> keeps it in
/// step with the store and the index. Thread-safe.
/// </summary>
public sealed class CatalogView
{
    private readonly ICatalogStore _store;
    private readonly IVectorIndex _index;
    private readonly bool _shared;
    private readonly Lock _lock = new();

    // Every item (no vectors), once something needs all of them (listing, facets, filters); null until then. Guarded by _lock.
    private Dictionary<ItemId, CatalogItem>? _items;

    // Items read one at a time while _items is null (null value: not in the store). Never larger than the catalog.
    // Guarded by _lock.
    private readonly Dictionary<ItemId, CatalogItem?> _looked = [];

    // Derived from all items; dropped by every edit. Guarded by _lock.
    private HashSet<string>? _columns;
    private ItemId[]? _sortedIds; // ordinal order, for paging
    private (int MaxValues, IReadOnlyList<CatalogFacet> Facets)? _facets;

    // Bumped by every add or remove. Guarded by _lock.
    private long _version;

    /// <param name="shared">Other processes write the catalog (a cluster): nothing is remembered — every lookup,
    /// listing, facet count and column check reads the store as it is now.</param>
    internal CatalogView(ICatalogStore store, IVectorIndex index, bool shared = false)
    {
        _store = store;
        _index = index;
        _shared = shared;
    }

    /// <summary>
    /// Increases with every item added or removed through the service (0 when opened): what views derived from the
    /// items (e.g. the recommendation service's item resolver) compare, per request, to notice an edit. An in-memory
    /// counter, not the store's generation: reading that is a database round trip, and another process's writes are
    /// not in this service's index anyway (see docs/serving.md, "Not yet").
    /// </summary>
    public long CatalogVersion
    {
        get { lock (_lock) return _version; }
    }

    /// <summary>Every item (without vectors) with the <see cref="CatalogVersion"/> they are current for, read together.</summary>
    public (long Version, IReadOnlyList<CatalogItem> Items) SnapshotItems()
    {
        lock (_lock) return (_version, AllItems().Values.ToList());
    }

    /// <summary>The stored item (metadata, path, fingerprint) without its vector.</summary>
    public bool TryGetItem(ItemId id, out CatalogItem item)
    {
        if (_shared)
        {
            var now = _store.Find(id);
            item = now is null ? null! : now with { Vector = ReadOnlyMemory<float>.Empty };
            return now is not null;
        }
        lock (_lock)
        {
            if (_items is not null) return _items.TryGetValue(id, out item!);
            if (!_looked.TryGetValue(id, out var found))
            {
                // One row, read under the lock so an edit never races a stale read into the cache.
                found = _index.Contains(id) && _store.Find(id) is { } stored ? stored with { Vector = ReadOnlyMemory<float>.Empty } : null;
                _looked[id] = found;
            }
            item = found!;
            return found is not null;
        }
    }

    /// <summary>The stored item, or NotFound.</summary>
    /// <exception cref="LookalikeException">NotFound when the catalog has no such item.</exception>
    public CatalogItem GetItem(ItemId id) =>
        TryGetItem(id, out var item) ? item : throw LookalikeException.NotFound(id.Value, $"No item '{id}' in the store.");

    /// <summary>The stored item without its vector, as listed.</summary>
    /// <exception cref="LookalikeException">NotFound when the store has no such item.</exception>
    public CatalogEntry GetEntry(ItemId id) => ToEntry(GetItem(id));

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
        lock (_lock)
        {
            ids = _sortedIds ?? AllItems().Keys.Order(ItemId.Ordinal).ToArray();
            if (!_shared) _sortedIds = ids;
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

    /// <summary>Every metadata column with its values (most frequent first; ties by value), columns by name.</summary>
    /// <param name="maxValues">Columns with more distinct values than this get an empty value list.</param>
    public IReadOnlyList<CatalogFacet> Facets(int maxValues)
    {
        lock (_lock)
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
            if (!_shared) _facets = (maxValues, facets);
            return facets;
        }
    }

    /// <summary>Metadata columns across the catalog, for validating filters; computed once per catalog change.</summary>
    public IReadOnlySet<string> MetadataColumns()
    {
        if (_shared) return _store.GetMetadataColumns().ToHashSet(StringComparer.OrdinalIgnoreCase);
        lock (_lock)
            return _columns ??= AllItems().Values.SelectMany(i => i.Metadata.Keys).ToHashSet(StringComparer.OrdinalIgnoreCase);
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

    /// <summary>The filter as a per-item predicate (null for no filter); unknown columns are an error (a typo would otherwise match nothing).</summary>
    /// <exception cref="LookalikeException">InvalidArgument (field <c>where</c>).</exception>
    public Func<ItemId, bool>? Predicate(ItemFilter? filter)
    {
        if (filter is not { IsEmpty: false }) return null;
        CheckFilterColumns(filter);
        return id => TryGetItem(id, out var item) && filter.Matches(item.Metadata);
    }

    /// <summary>
    /// <paramref name="scored"/> in the given order as ranked items (1, 2, …) with their paths and metadata; an item no
    /// longer in the catalog is skipped. The one place look-alikes and recommendations become answer rows.
    /// </summary>
    public List<RankedItem> Rank(IEnumerable<(ItemId Id, float Score)> scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var results = new List<RankedItem>();
        foreach (var (id, score) in scored)
        {
            if (!TryGetItem(id, out var item)) continue;
            results.Add(new RankedItem(results.Count + 1, id.Value, item.Path, score, item.Metadata));
        }
        return results;
    }

    /// <summary>Adds or replaces the item (its vector dropped): called by <see cref="CatalogEditor"/> once the store has it.</summary>
    internal void Put(CatalogItem item)
    {
        lock (_lock)
        {
            var stored = item with { Vector = ReadOnlyMemory<float>.Empty };
            if (_items is not null) _items[item.Id] = stored;
            else if (!_shared) _looked[item.Id] = stored;
            Changed();
        }
    }

    /// <summary>Forgets the item: called by <see cref="CatalogEditor"/> once the store and the index no longer have it.</summary>
    internal void Forget(ItemId id)
    {
        lock (_lock)
        {
            if (_items is not null) _items.Remove(id);
            else if (!_shared) _looked[id] = null;
            Changed();
        }
    }

    /// <summary>Every item without its vector, read from the store the first time something needs them all. Hold <see cref="_lock"/>.</summary>
    private Dictionary<ItemId, CatalogItem> AllItems()
    {
        if (_items is not null) return _items;
        if (_shared) return _store.ReadAll(withVectors: false).ToDictionary(i => i.Id);
        var items = new Dictionary<ItemId, CatalogItem>(_index.Count);
        foreach (var item in _store.ReadAll(withVectors: false))
        {
            // The index is what the service answers from (edits through it reach both); the store may have moved on.
            if (_index.Contains(item.Id)) items[item.Id] = item;
        }
        foreach (var (id, looked) in _looked)
        {
            if (looked is not null) items[id] = looked;
        }
        _looked.Clear();
        return _items = items;
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
