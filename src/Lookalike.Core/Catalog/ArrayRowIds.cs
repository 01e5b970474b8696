namespace Lookalike.Core.Catalog;

/// <summary>Row ids held in memory (one id or null per row): for vectors that are not a store's file, and tests.</summary>
public sealed class ArrayRowIds : IRowIds
{
    private readonly ItemId?[] _ids;
    private readonly Dictionary<ItemId, int> _rowOf;

    /// <exception cref="ArgumentException">An id appears on two rows.</exception>
    public ArrayRowIds(ItemId?[] idsByRow)
    {
        ArgumentNullException.ThrowIfNull(idsByRow);
        _ids = (ItemId?[])idsByRow.Clone();
        _rowOf = new Dictionary<ItemId, int>(_ids.Length);
        for (int row = 0; row < _ids.Length; row++)
        {
            if (_ids[row] is { } id && !_rowOf.TryAdd(id, row))
                throw new ArgumentException($"Item '{id}' has two rows ({_rowOf[id]} and {row}).", nameof(idsByRow));
        }
    }

    public int Count => _ids.Length;

    public int LiveCount => _rowOf.Count;

    public bool IsLive(int row) => (uint)row < (uint)_ids.Length && _ids[row] is not null;

    public bool TryGetId(int row, out ItemId id)
    {
        id = default;
        if ((uint)row >= (uint)_ids.Length || _ids[row] is not { } found) return false;
        id = found;
        return true;
    }

    public bool TryGetRow(ItemId id, out int row) => _rowOf.TryGetValue(id, out row);

    public void Dispose() { }
}
