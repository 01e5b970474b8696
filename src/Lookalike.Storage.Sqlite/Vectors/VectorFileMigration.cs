using System.Globalization;
using Lookalike.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// The code half of migration 004: writes every item's vector BLOB, in id order, into a fresh vector file and makes it
/// durable, inside the migration's transaction and before its SQL (<c>004_vector_files.sql</c>) points the items at their
/// rows. A crash before the commit leaves the store at v3 with its BLOBs; the half-written file is referenced by nothing
/// and is replaced by the next attempt.
/// </summary>
internal static class VectorFileMigration
{
    private const int ChunkRows = 4096;

    public static void Prepare(SqliteConnection connection, SqliteTransaction transaction, string directory)
    {
        string path = Path.Combine(directory, StoreFiles.FirstVectors);
        // Below v4 no committed row refers to the file: whatever is there is the leftover of an interrupted attempt.
        File.Delete(path);
        int dimension = Dimension(connection, transaction);
        if (dimension == 0) return; // no items: the file is created by the first write
        using var appender = VectorAppender.Open(path, dimension, unreferenced: true);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id, vector FROM items ORDER BY id;";
        using var reader = command.ExecuteReader();
        var chunk = new float[ChunkRows * dimension];
        int rows = 0;
        while (reader.Read())
        {
            string id = reader.GetString(0);
            byte[] blob = reader.IsDBNull(1) ? [] : (byte[])reader.GetValue(1);
            if (blob.Length != dimension * sizeof(float))
                throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                    $"Cannot move the vectors of {StoreFiles.DatabasePath(directory)} into {path}: item '{id}' has a {blob.Length}-byte vector, the store's {dimension} float32 need {dimension * sizeof(float)}. Delete or re-index that item with the previous build, then open the store again.",
                    path);
            Buffer.BlockCopy(blob, 0, chunk, rows * dimension * sizeof(float), blob.Length);
            if (++rows == ChunkRows)
            {
                appender.Append(chunk);
                rows = 0;
            }
        }
        appender.Append(chunk.AsSpan(0, rows * dimension));
        appender.Commit();
    }

    /// <summary>The store's bound dimension; else the first item's; 0 for a store with no items.</summary>
    private static int Dimension(SqliteConnection connection, SqliteTransaction transaction)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            SELECT CASE WHEN EXISTS (SELECT 1 FROM items)
                THEN COALESCE((SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'dimension'), (SELECT dimension FROM items LIMIT 1))
                ELSE 0 END;
            """;
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
