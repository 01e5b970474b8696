using Lookalike.Core.Catalog;

namespace Lookalike.Search.USearch;

/// <summary>
/// Which item each graph key stands for, both ways: a base read in place from the cache's key file (<see cref="HnswKeyFile"/>,
/// nothing decoded at open) plus, in memory, the keys given and taken since. Keys are never reused for another item:
/// new ones start above every key in the base. Not synchronised: the owning index reads under its read lock and writes
/// under its write lock. Disposing unmaps the base.
/// </summary>
internal sealed class HnswKeyMap : IDisposable
{
    private HnswKeyFile? _base;
    private readonly Dictionary<ItemId, ulong> _addedKeys = [];
    private readonly Dictionary<ulong, ItemId> _addedIds = [];
    private readonly HashSet<ulong> _removed = [];
    private ulong _nextKey;

    public int Count => (_base?.Count ?? 0) - _removed.Count + _addedIds.Count;

    /// <summary>Managed bytes of the in-memory part (the mapped base is the page cache's).</summary>
    public long MemoryBytes => _addedIds.Count * 96L + _removed.Count * 24L;

    /// <summary>Starts over from <paramref name="keyFile"/> (owned from now on; null: empty) and <paramref name="entries"/> on top.</summary>
    public void Reset(HnswKeyFile? keyFile, IEnumerable<(ulong Key, ItemId Id)> entries)
    {
        _base?.Dispose();
        _base = keyFile;
        _addedKeys.Clear();
        _addedIds.Clear();
        _removed.Clear();
        _nextKey = keyFile?.MaxKey is { } max ? max + 1 : 0;
        foreach (var (key, id) in entries)
        {
            _addedKeys[id] = key;
            _addedIds[key] = id;
            _nextKey = Math.Max(_nextKey, key + 1);
        }
    }

    public bool TryGetId(ulong key, out ItemId id)
    {
        if (_addedIds.TryGetValue(key, out id)) return true;
        if (_base is not null && !_removed.Contains(key) && _base.TryGetId(key, out id)) return true;
        id = default;
        return false;
    }

    public bool TryGetKey(ItemId id, out ulong key)
    {
        if (_addedKeys.TryGetValue(id, out key)) return true;
        return _base is not null && _base.TryGetKey(id, out key) && !_removed.Contains(key);
    }

    /// <summary>A new key for <paramref name="id"/> (which must not have one).</summary>
    public ulong Add(ItemId id)
    {
        ulong key = _nextKey++;
        _addedKeys[id] = key;
        _addedIds[key] = id;
        return key;
    }

    /// <summary>Drops <paramref name="id"/>'s key; false when it has none.</summary>
    public bool Remove(ItemId id, out ulong key)
    {
        if (_addedKeys.Remove(id, out key))
        {
            _addedIds.Remove(key);
            return true;
        }
        if (_base is not null && _base.TryGetKey(id, out key) && _removed.Add(key)) return true;
        key = 0;
        return false;
    }

    /// <summary>Every (key, id), ascending by key (decodes every id: for saving and whole-map walks, never for opening).</summary>
    public IEnumerable<(ulong Key, ItemId Id)> Entries()
    {
        if (_base is not null)
            foreach (var entry in _base.Entries())
                if (!_removed.Contains(entry.Key)) yield return entry;
        foreach (var entry in _addedIds.OrderBy(kv => kv.Key)) yield return (entry.Key, entry.Value);
    }

    public void Dispose() => Reset(null, []);
}
