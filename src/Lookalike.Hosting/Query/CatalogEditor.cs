using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Query;

/// <summary>
/// Live edits for a long-running service (the HTTP server's uploads and deletes): an item is added to or removed from
/// the store, the <see cref="CatalogView"/> and the index together, so the next query sees the change without
/// reloading the store. One edit at a time, so all three change in the same order.
/// </summary>
public sealed class CatalogEditor
{
    private readonly ICatalogStore _store;
    private readonly IVectorIndex _index;
    private readonly CatalogView _view;
    private readonly LearnedSpace _space;
    private readonly ModelId? _model;
    private readonly Lock _lock = new();

    internal CatalogEditor(ICatalogStore store, IVectorIndex index, CatalogView view, LearnedSpace space, ModelId? model)
    {
        _store = store;
        _index = index;
        _view = view;
        _space = space;
        _model = model;
    }

    /// <summary>
    /// Adds or replaces <paramref name="item"/> (with its unit vector, made by the query model): first in the store, in
    /// one transaction, then in memory, so the next query sees it. Binds an unbound store to the model.
    /// </summary>
    /// <exception cref="LookalikeException">
    /// ModelMismatch when the item's model is not the store's; InvalidArgument when the vector length is not the
    /// store's dimension; StoreUnavailable when the store cannot be written.
    /// </exception>
    public void AddItem(CatalogItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_lock)
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
            _view.Put(item);
            // The store keeps the raw vector (the truth); the index holds it in the learned space.
            _index.Upsert(item.Id, _space.Map(item.Vector.Span));
        }
    }

    /// <summary>Removes the item from the store and from memory; returns it (without vector), or null when absent.</summary>
    /// <exception cref="LookalikeException">StoreUnavailable when the store cannot be written.</exception>
    public CatalogItem? RemoveItem(ItemId id)
    {
        lock (_lock)
        {
            if (!_view.TryGetItem(id, out var item)) return null;
            _store.Remove([id]);
            // Index before items: a search hit must always find its item.
            _index.Remove(id);
            _view.Forget(id);
            return item;
        }
    }

    /// <summary>
    /// Keeps a long-running service in step with items written to its store by someone else (the ingest runs of a
    /// watched folder, <c>LiveFolderSync</c>), without reloading the whole index: re-reads <paramref name="ids"/> from
    /// the store; an item the store has is (re)loaded into the view and the index with its stored vector, one it no
    /// longer has is dropped from both. Returns how many items changed in the index.
    /// </summary>
    /// <exception cref="LookalikeException">ModelMismatch when a stored item was made with another model than the store's.</exception>
    public int Reload(IEnumerable<ItemId> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int changed = 0;
        lock (_lock)
        {
            foreach (var id in ids)
            {
                if (_store.Find(id) is not { } stored)
                {
                    if (!_index.Contains(id)) continue;
                    // Index before items: a search hit must always find its item.
                    _index.Remove(id);
                    _view.Forget(id);
                    changed++;
                    continue;
                }
                if (_model is { } model && model != stored.Model)
                    throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                        $"Item '{id}' in store {_store.Location} holds a vector of model '{stored.Model}', not the store's '{model}'.", id.Value);
                // Items before the index: a search hit must always find its item.
                _view.Put(stored);
                _index.Upsert(id, _space.Map(stored.Vector.Span));
                changed++;
            }
        }
        return changed;
    }
}
