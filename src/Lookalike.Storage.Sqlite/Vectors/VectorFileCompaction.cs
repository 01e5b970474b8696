using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// The inside of a compaction, run in the store's write transaction: copies the rows items refer to, in file order, into
/// the next vector file (<see cref="StoreFiles.NextVectors"/>), flushes it and its folder entry, and points every item at
/// its new row. The caller then names the new file in <c>store_meta</c> and commits; until that commit nothing refers to
/// the new file (a crash leaves it behind as a leftover the next write removes), and after it nothing refers to the old
/// one (removed then: unlinked, never truncated, so a reader that has it mapped keeps reading it).
/// </summary>
internal static class VectorFileCompaction
{
    private const int ChunkRows = 4096;

    /// <summary>What the transaction did, for after its commit.</summary>
    /// <param name="Table">The new file's row map (rowid and id hash per row, every row live), for the row-id file.</param>
    public sealed record Switch(string OldName, string NewName, VectorFileUsage From, VectorFileUsage To, RowIdTable Table);

    /// <returns>Null when the current file has no dead row (or the store no vector file).</returns>
    /// <exception cref="LookalikeException">StoreCorrupt (an item's row is not in the file, or two items share one), StoreUnavailable (cannot write).</exception>
    public static Switch? Run(SqliteConnection connection, string directory, string currentName, int dimension, IProgress<(long Done, long Total)>? progress)
    {
        string currentPath = Path.Combine(directory, currentName);
        if (!File.Exists(currentPath)) return null;
        using var source = MappedVectors.Open(currentPath, dimension);
        var header = source.Header;
        var (rowids, hashes, oldRows) = ItemsInFileOrder(connection, header.Count, currentPath);
        var from = new VectorFileUsage(currentName, header.Dimension, header.Count, oldRows.Length, new FileInfo(currentPath).Length);
        if (oldRows.Length == header.Count) return null;

        string nextName = StoreFiles.NextVectors(currentName);
        string nextPath = Path.Combine(directory, nextName);
        try
        {
            File.Delete(nextPath); // a leftover of an interrupted compaction: never referred to, never mapped
            using (var appender = VectorAppender.Open(nextPath, header.Dimension, unreferenced: true))
            {
                progress?.Report((0, oldRows.Length)); // the new file exists: the copy begins
                var chunk = new float[ChunkRows * header.Dimension];
                int filled = 0;
                for (int i = 0; i < oldRows.Length; i++)
                {
                    source.Row(oldRows[i]).CopyTo(chunk.AsSpan(filled * header.Dimension, header.Dimension));
                    if (++filled < ChunkRows && i + 1 < oldRows.Length) continue;
                    appender.Append(chunk.AsSpan(0, filled * header.Dimension));
                    filled = 0;
                    progress?.Report((i + 1, oldRows.Length));
                }
                appender.Commit(); // rows flushed, then the header that counts them, flushed
            }
            DirectorySync.Flush(directory); // the new file's name is durable before the commit that names it
            Repoint(connection, rowids, oldRows);
        }
        catch
        {
            TryDelete(nextPath);
            throw;
        }
        var to = new VectorFileUsage(nextName, header.Dimension, oldRows.Length, oldRows.Length, new FileInfo(nextPath).Length);
        var live = new ulong[RowIdTable.LiveWords(oldRows.Length)];
        for (int row = 0; row < oldRows.Length; row++) live[row >> 6] |= 1UL << row;
        return new Switch(currentName, nextName, from, to, RowIdTable.FromArrays(rowids, hashes, live, oldRows.Length));
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
    private static (long[] Rowids, ulong[] Hashes, long[] Rows) ItemsInFileOrder(SqliteConnection connection, long fileRows, string path)
    {
        var rowids = new List<long>();
        var hashes = new List<ulong>();
        var rows = new List<long>();
        using var command = connection.CreateCommand();
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

    /// <summary>Points each item at its row in the new file (its rank in file order); items already there are left alone.</summary>
    private static void Repoint(SqliteConnection connection, long[] rowids, long[] oldRows)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE items SET vector_row = $row WHERE rowid = $rowid;";
        var row = command.Parameters.Add("$row", SqliteType.Integer);
        var rowid = command.Parameters.Add("$rowid", SqliteType.Integer);
        command.Prepare();
        for (int i = 0; i < rowids.Length; i++)
        {
            if (oldRows[i] == i) continue;
            row.Value = (long)i;
            rowid.Value = rowids[i];
            command.ExecuteNonQuery();
        }
    }
}
