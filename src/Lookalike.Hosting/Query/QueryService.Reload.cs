using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Query;

// Keeping a long-running service in step with items written to its store by someone else than this service (the
// ingest runs of a watched folder, LiveFolderSync), without reloading the whole index.
public sealed partial class QueryService
{
    /// <summary>
    /// Re-reads <paramref name="ids"/> from the store: an item the store has is (re)loaded into memory and the index with
    /// its stored vector; one it no longer has is dropped from both. Returns how many items changed in the index.
    /// </summary>
    /// <exception cref="LookalikeException">ModelMismatch when a stored item was made with another model than the store's.</exception>
    public int Reload(IEnumerable<ItemId> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int changed = 0;
        lock (_editLock)
        {
            foreach (var id in ids)
            {
                if (_store.Find(id) is not { } stored)
                {
                    if (!_index.Contains(id)) continue;
                    // Index before items: a search hit must always find its item.
                    _index.Remove(id);
                    lock (_itemsLock)
                    {
                        if (_items is not null) _items.Remove(id);
                        else _looked[id] = null;
                        Changed();
                    }
                    changed++;
                    continue;
                }
                if (_model is { } model && model != stored.Model)
                    throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                        $"Item '{id}' in store {_store.Location} holds a vector of model '{stored.Model}', not the store's '{model}'.", id.Value);
                // Items before the index: a search hit must always find its item.
                lock (_itemsLock)
                {
                    var item = stored with { Vector = ReadOnlyMemory<float>.Empty };
                    if (_items is not null) _items[id] = item;
                    else _looked[id] = item;
                    Changed();
                }
                _index.Upsert(id, _space.Map(stored.Vector.Span));
                changed++;
            }
        }
        return changed;
    }
}
