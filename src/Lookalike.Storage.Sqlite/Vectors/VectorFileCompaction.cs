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
    private readonly Snapshot _snapshot;
    private bool _copied;

    private VectorFileCompaction(string oldName, string newName, string newPath, MappedVectors source, VectorAppender target, Snapshot snapshot)
    {
        OldName = oldName;
        NewName = newName;
        NewPath = newPath;
        _source = source;
        _target = target;
        _snapshot = snapshot;
    }

    public string OldName { get; }

    public string NewName { get; }

    public string NewPath { get; }

    /// <summary>Every item's rowid, id hash and row in a read snapshot, ordered by row.</summary>
    public sealed record Snapshot(long[] Rowids, ulong[] Hashes, long[] Rows);

    /// <summary>What the switch did, for after its commit.</summary>
    /// <param name="Table">The new file's row map (rowid and id hash per row; rows whose item changed during the copy are dead), for the row-id file.</param>
    public sealed record Switch(VectorFileUsage From, VectorFileUsage To, RowIdTable Table);

    /// <summary>
    /// The items of <paramref name="connection"/>'s read snapshot in file order (what <see cref="CopySnapshot"/>
    /// copies), when the file <paramref name="currentName"/> has dead rows.
    /// </summary>
    /// <returns>Null when the current file has no dead row (or the store no vector file).</returns>
    /// <exception cref="LookalikeException">StoreCorrupt (an item's row is not in the file, or two items share one).</exception>
    public static Snapshot? SnapshotIfAnyDead(SqliteConnection connection, SqliteTransaction transaction, string directory, string currentName, int dimension)
    {
        string currentPath = Path.Combine(directory, currentName);
        if (!File.Exists(currentPath)) return null;
        using var source = MappedVectors.Open(currentPath, dimension);
        var items = ItemsInFileOrder(connection, transaction, source.Count, currentPath);
        return items.Rows.Length == source.Count ? null : items;
    }

    /// <summary>
    /// Inside a write transaction (so no write is removing leftovers): creates the next file, empty, for the rows of
    /// <paramref name="snapshot"/>, replacing a leftover of an interrupted compaction.
    /// </summary>
    /// <exception cref="LookalikeException">StoreCorrupt (the current file cannot be read), StoreUnavailable (cannot write).</exception>
    public static VectorFileCompaction Begin(string directory, string currentName, int dimension, Snapshot snapshot)
    {
        var source = MappedVectors.Open(Path.Combine(directory, currentName), dimension);
        string nextName = StoreFiles.NextVectors(currentName);
        string nextPath = Path.Combine(directory, nextName);
        try
        {
            File.Delete(nextPath); // a leftover of an interrupted compaction: never referred to, never mapped
            var target = VectorAppender.Open(nextPath, source.Dimension, unreferenced: true);
            return new VectorFileCompaction(currentName, nextName, nextPath, source, target, snapshot);
        }
        catch
        {
            source.Dispose();
            TryDelete(nextPath);
            throw;
        }
    }

    /// <summary>Copies the snapshot's rows, in file order, into the new file and flushes them; no transaction needed.</summary>
    public void CopySnapshot(IProgress<(long Done, long Total)>? progress)
    {
        progress?.Report((0, _snapshot.Rows.Length)); // the new file exists: the copy begins
        Copy(_snapshot.Rows, progress);
        // Flushed here, not under the write lock: the switch then flushes only the rows written meanwhile. Counting them
        // in the header is harmless, as nothing refers to the file before the switch commits.
        _target.Commit();
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
        // Kept short, as every write waits for it: one pass over (rowid, row) in rowid order, no id decoded unless its
        // item changed since the snapshot, the updates in rowid order (neighbouring pages), the bulk already flushed.
        string oldPath = _source.Path;
        long oldCount = CountedRows(oldPath);
        var (rowids, rows) = ItemRows(connection);
        var from = new VectorFileUsage(OldName, _source.Dimension, oldCount, rows.Length, new FileInfo(oldPath).Length);

        int copied = _snapshot.Rows.Length;
        var newRows = new long[rows.Length];
        var hashes = new ulong[rows.Length];
        var taken = new bool[copied];
        var late = new List<(long OldRow, int Item)>();
        for (int i = 0; i < rows.Length; i++)
        {
            long row = rows[i];
            if (row < 0 || row >= oldCount) throw Corrupt(connection, rowids[i], row, oldCount, oldPath, shared: false);
            int at = Array.BinarySearch(_snapshot.Rows, row);
            if (at >= 0 && _snapshot.Rowids[at] == rowids[i])
            {
                if (taken[at]) throw Corrupt(connection, rowids[i], row, oldCount, oldPath, shared: true);
                taken[at] = true;
                newRows[i] = at;
                hashes[i] = _snapshot.Hashes[at];
            }
            else late.Add((row, i)); // re-embedded or added since the snapshot
        }
        // Rows taken since, in file order, after the copied ones.
        late.Sort((a, b) => a.OldRow.CompareTo(b.OldRow));
        for (int j = 0; j < late.Count; j++)
        {
            if (j > 0 && late[j].OldRow == late[j - 1].OldRow) throw Corrupt(connection, rowids[late[j].Item], late[j].OldRow, oldCount, oldPath, shared: true);
            newRows[late[j].Item] = copied + j;
            hashes[late[j].Item] = SqliteRowIds.IdHash(IdOf(connection, rowids[late[j].Item]));
        }
        Copy(late.Select(l => l.OldRow).ToArray(), progress: null);
        _target.Commit(); // the rows written meanwhile flushed, then the header that counts them, flushed
        DirectorySync.Flush(Path.GetDirectoryName(NewPath)!); // the new file's name is durable before the commit that names it
        Repoint(connection, rowids, rows, newRows);

        int total = checked(copied + late.Count);
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
    private static Snapshot ItemsInFileOrder(SqliteConnection connection, SqliteTransaction transaction, long fileRows, string path)
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
        return new Snapshot(rowids.ToArray(), hashes.ToArray(), rows.ToArray());
    }

    /// <summary>Every item's rowid and row, in rowid order (the table's own).</summary>
    private static (long[] Rowids, long[] Rows) ItemRows(SqliteConnection connection)
    {
        var rowids = new List<long>();
        var rows = new List<long>();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, vector_row FROM items;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rowids.Add(reader.GetInt64(0));
            rows.Add(reader.GetInt64(1));
        }
        return (rowids.ToArray(), rows.ToArray());
    }

    private static string IdOf(SqliteConnection connection, long rowid)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM items WHERE rowid = $rowid;";
        command.Parameters.AddWithValue("$rowid", rowid);
        return (string)command.ExecuteScalar()!;
    }

    private static LookalikeException Corrupt(SqliteConnection connection, long rowid, long row, long fileRows, string path, bool shared) =>
        new(LookalikeErrorKind.StoreCorrupt,
            $"Cannot compact {path}: item '{IdOf(connection, rowid)}' refers to row {row:N0} of its {fileRows:N0}{(shared ? ", which another item refers to too" : "")}. Run 'lookalike verify'.", path);

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
