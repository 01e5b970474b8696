using Lookalike.Core.Vectors;

namespace Lookalike.Core.Catalog;

/// <summary>
/// A store's vectors as they lie on disk, for an index that scans them in place: the rows (memory-mapped) and which item
/// each row belongs to (<see cref="IRowIds"/>: live rows known, ids decoded on demand). Taken from one consistent snapshot
/// of the store. Disposing it unmaps the rows.
/// </summary>
public sealed class StoredVectors : IDisposable
{
    public StoredVectors(IVectorRows rows, IRowIds ids, long generation)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count != rows.Count) throw new ArgumentException($"{ids.Count} row ids for {rows.Count} rows.", nameof(ids));
        Rows = rows;
        Ids = ids;
        Generation = generation;
    }

    /// <summary>Rows with their ids in memory (null: a dead row).</summary>
    public StoredVectors(IVectorRows rows, ItemId?[] idsByRow, long generation)
        : this(rows, new ArrayRowIds(idsByRow), generation)
    {
    }

    public IVectorRows Rows { get; }

    /// <summary>Which item each row belongs to; <see cref="IRowIds.Count"/> equals the rows'.</summary>
    public IRowIds Ids { get; }

    /// <summary>The store generation of the snapshot.</summary>
    public long Generation { get; }

    public void Dispose()
    {
        Rows.Dispose();
        Ids.Dispose();
    }
}
