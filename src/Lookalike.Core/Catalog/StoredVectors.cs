using Lookalike.Core.Vectors;

namespace Lookalike.Core.Catalog;

/// <summary>
/// A store's vectors as they lie on disk, for an index that scans them in place: the rows (memory-mapped) and which item
/// each row belongs to (null: a dead row, superseded or removed). Taken from one consistent snapshot of the store.
/// Disposing it unmaps the rows.
/// </summary>
public sealed class StoredVectors(IVectorRows rows, ItemId?[] idsByRow, long generation) : IDisposable
{
    public IVectorRows Rows { get; } = rows;

    /// <summary>Item of each row, <see cref="IVectorRows.Count"/> long; null for rows no item refers to.</summary>
    public ItemId?[] IdsByRow { get; } = idsByRow;

    /// <summary>The store generation of the snapshot.</summary>
    public long Generation { get; } = generation;

    public void Dispose() => Rows.Dispose();
}
