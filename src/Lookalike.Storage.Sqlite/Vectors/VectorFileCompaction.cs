using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// The inside of a compaction, in three steps so that writes go on while the rows are copied:
/// <see cref="Begin"/> (in a short write transaction) creates the next vector file (<see cref="StoreFiles.NextVectors"/>);
/// <see cref="CopySnapshot"/> (with no transaction) copies into it, in file order, the rows the items referred to in a
/// read snapshot — a row, once written, never changes, so the copy stays right whatever writes come meanwhile;
/// <see cref="Finish"/> (in the write transaction that switches) copies the rows items took since (re-embedded or new
/// items), flushes the file and its folder entry, and points every item at its row in the new file. The caller then
/// names the new file in <c>store_meta</c> and commits; until that commit nothing refers to the new file (a crash leaves
/// it behind as a leftover the next write removes), and after it nothing refers to the old one (removed then: unlinked,
/// never truncated, so a reader that has it mapped keeps reading it). The caller holds the <see cref="CompactionLock"/>
/// throughout, so no write removes the new file as a leftover while it is being written.
/// </summary>
internal sealed class VectorFileCompaction : IDisposable
{
    private const int ChunkRows = 4096;

    private readonly MappedVectors _source;
    private readonly VectorAppender _target;
    private readonly long[] _snapshotRows;
    private bool _copied;

    private VectorFileCompaction(string oldName, string newName, string newPath, MappedVectors source, VectorAppender target, long[] snapshotRows)
    {
        OldName = oldName;
        NewName = newName;
        NewPath = newPath;
        _source = source;
        _target = target;
        _snapshotRows = snapshotRows;
    }

    public string OldName { get; }

    public string NewName { get; }

    public string NewPath { get; }

    /// <summary>What the switch did, for after its commit.</summary>
    /// <param name="Table">The new file's row map (rowid and id hash per row; rows whose item changed during the copy are dead), for the row-id file.</param>
    public sealed record Switch(VectorFileUsage From, VectorFileUsage To, RowIdTable Table);

    /// <summary>
    /// Whether the file <paramref name="currentName"/> has dead rows as <paramref name="connection"/>'s read snapshot
    /// sees it, and the rows its items refer to, in file order (what <see cref="CopySnapshot"/> copies).
    /// </summary>
    /// <returns>Null when the current file has no dead row (or the store no vector file).</returns>
    /// <exception cref="LookalikeException">StoreCorrupt (an item's row is not in the file, or two items share one).</exception>
    public static long[]? LiveRowsIfAnyDead(SqliteConnection connection, SqliteTransaction transaction, string directory, string currentName, int dimension)
    {
        string currentPath = Path.Combine(directory, currentName);
        if (!File.Exists(currentPath)) return null;
        using var source = MappedVectors.Open(currentPath, dimension);
        var items = ItemsInFileOrder(connection, transaction, source.Count, currentPath);
        return items.Rows.Length == source.Count ? null : items.Rows;
    }

    /// <summary>
    /// Inside a write transaction (so no write is removing leftovers): creates the next file, empty, for the rows of
    /// <paramref name="snapshotRows"/>, replacing a leftover of an interrupted compaction.
    /// </summary>
    /// <exception cref="LookalikeException">StoreCorrupt (the current file cannot be read), StoreUnavailable (cannot write).</exception>
    public static VectorFileCompaction Begin(string directory, string currentName, int dimension, long[] snapshotRows)
    {
        var source = MappedVectors.Open(Path.Combine(directory, currentName), dimension);
        string nextName = StoreFiles.NextVectors(currentName);
        string nextPath = Path.Combine(directory, nextName);
        try
        {
            File.Delete(nextPath); // a leftover of an interrupted compaction: never referred to, never mapped
            var target = VectorAppender.Open(nextPath, source.Dimension, unreferenced: true);
            return new VectorFileCompaction(currentName, nextName, nextPath, source, target, snapshotRows);
        }
        catch
        {
            source.Dispose();
            TryDelete(nextPath);
            throw;
        }
    }

    /// <summary>Copies the snapshot's rows, in file order, into the new file (not yet durable); no transaction needed.</summary>
    public void CopySnapshot(IProgress<(long Done, long Total)>? progress)
    {
        progress?.Report((0, _snapshotRows.Length)); // the new file exists: the copy begins
        Copy(_snapshotRows, progress);
        _copied = true;
    }

    /// <summary>
    /// Inside the switching write transaction: copies the rows items took since the snapshot, makes the new file durable,
    /// and points every item at its new row.
    /// </summary>
    /// <exception cref="LookalikeException">StoreCorrupt (an item's row is not in the file, or two items share one), StoreUnavailable (cannot write).</exception>
    public Switch Finish(SqliteConnection connection)
    {
        if (!_copied) throw new InvalidOperationException("CopySnapshot first.");
        string oldPath = _source.Path;
        long oldCount = CountedRows(oldPath);
        var (rowids, hashes, rows) = ItemsInFileOrder(connection, null, oldCount, oldPath);
        var from = new VectorFileUsage(OldName, _source.Dimension, oldCount, rows.Length, new FileInfo(oldPath).Length);

        // Where each item's row lands: its place among the copied rows, or after them for a row taken since.
        var newRows = new long[rows.Length];
        var late = new List<long>();
        for (int i = 0; i < rows.Length; i++)
        {
            int copied = Array.BinarySearch(_snapshotRows, rows[i]);
            if (copied >= 0) newRows[i] = copied;
            else
            {
                newRows[i] = _snapshotRows.Length + late.Count;
                late.Add(rows[i]);
            }
        }
        Copy(late.ToArray(), progress: null);
        _target.Commit(); // rows flushed, then the header that counts them, flushed
        DirectorySync.Flush(Path.GetDirectoryName(NewPath)!); // the new file's name is durable before the commit that names it
        Repoint(connection, rowids, rows, newRows);

        int total = checked(_snapshotRows.Length + late.Count);
        var rowidOf = new long[total];
        var hashOf = new ulong[total];
        var live = new ulong[RowIdTable.LiveWords(total)];
        for (int i = 0; i < rows.Length; i++)
        {
            long row = newRows[i];
            rowidOf[row] = rowids[i];
            hashOf[row] = hashes[i];
            live[row >> 6] |= 1UL << (int)row;
        }
        var to = new VectorFileUsage(NewName, _source.Dimension, total, rows.Length, new FileInfo(NewPath).Length);
        return new Switch(from, to, RowIdTable.FromArrays(rowidOf, hashOf, live, rows.Length));
    }

    public void Dispose()
    {
        _target.Dispose();
        _source.Dispose();
    }

    private void Copy(long[] rows, IProgress<(long Done, long Total)>? progress)
    {
        int dimension = _source.Dimension;
        var chunk = new float[ChunkRows * dimension];
        int filled = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            _source.Row(rows[i]).CopyTo(chunk.AsSpan(filled * dimension, dimension));
            if (++filled < ChunkRows && i + 1 < rows.Length) continue;
            _target.Append(chunk.AsSpan(0, filled * dimension));
            filled = 0;
            progress?.Report((i + 1, rows.Length));
        }
    }

    /// <summary>Removes a file nothing refers to; false when it could not be (the next write tries again).</summary>
    public static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Every item's rowid, id hash and row, ordered by row (so the copy reads the old file front to back).</summary>
    private static (long[] Rowids, ulong[] Hashes, long[] Rows) ItemsInFileOrder(SqliteConnection connection, SqliteTransaction? transaction, long fileRows, string path)
    {
        var rowids = new List<long>();
        var hashes = new List<ulong>();
        var rows = new List<long>();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT rowid, id, vector_row FROM items ORDER BY vector_row;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            long row = reader.GetInt64(2);
            if (row < 0 || row >= fileRows || (rows.Count > 0 && row == rows[^1]))
                throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                    $"Cannot compact {path}: item '{reader.GetString(1)}' refers to row {row:N0} of its {fileRows:N0}{(row >= 0 && row < fileRows ? ", which another item refers to too" : "")}. Run 'lookalike verify'.", path);
            rowids.Add(reader.GetInt64(0));
            hashes.Add(SqliteRowIds.IdHash(reader.GetString(1)));
            rows.Add(row);
        }
        return (rowids.ToArray(), hashes.ToArray(), rows.ToArray());
    }

    /// <summary>The rows the file's header counts now (it grows while the copy runs).</summary>
    private static long CountedRows(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return VectorFileHeader.Read(handle, path).Count;
    }

    /// <summary>Points each item at its row in the new file; items whose row number stays the same are left alone.</summary>
    private static void Repoint(SqliteConnection connection, long[] rowids, long[] oldRows, long[] newRows)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE items SET vector_row = $row WHERE rowid = $rowid;";
        var row = command.Parameters.Add("$row", SqliteType.Integer);
        var rowid = command.Parameters.Add("$rowid", SqliteType.Integer);
        command.Prepare();
        for (int i = 0; i < rowids.Length; i++)
        {
            if (oldRows[i] == newRows[i]) continue;
            row.Value = newRows[i];
            rowid.Value = rowids[i];
            command.ExecuteNonQuery();
        }
    }
}
