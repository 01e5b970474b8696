namespace Lookalike.Core.Catalog;

/// <summary>
/// Which item each row of a store's vector file belongs to, as of the snapshot it was taken from, without holding every
/// id in memory: which rows are live is known up front, an id is decoded when a search returns its row, and a row is
/// found from an id on demand. Thread-safe.
/// </summary>
public interface IRowIds : IDisposable
{
    /// <summary>Rows the snapshot covers (the mapped rows).</summary>
    int Count { get; }

    /// <summary>Rows an item referred to in the snapshot.</summary>
    int LiveCount { get; }

    /// <summary>Whether an item referred to <paramref name="row"/> in the snapshot.</summary>
    bool IsLive(int row);

    /// <summary>
    /// The item of a live row. False when the row is not live, or when its item has since been removed or moved to
    /// another row by another writer: an id that cannot be confirmed is never returned.
    /// </summary>
    bool TryGetId(int row, out ItemId id);

    /// <summary>The row <paramref name="id"/> referred to in the snapshot; false when it had none.</summary>
    bool TryGetRow(ItemId id, out int row);
}
