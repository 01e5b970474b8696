using Lookalike.Core.Catalog;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Tests;

/// <summary>Reads a store's <c>catalog.db</c> directly, as another process would, for tests of rowids and meta keys.</summary>
internal static class CatalogDatabase
{
    public static SqliteConnection Connect(string location)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(location, "catalog.db")};Pooling=False");
        connection.Open();
        return connection;
    }

    /// <summary>The item with the highest rowid (the one SQLite reuses the rowid of when it is deleted).</summary>
    public static (ItemId Id, long Rowid) LastRowid(string location)
    {
        using var connection = Connect(location);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, rowid FROM items ORDER BY rowid DESC LIMIT 1;";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        return (ItemId.Parse(reader.GetString(0)), reader.GetInt64(1));
    }

    public static long RowidOf(string location, string id)
    {
        using var connection = Connect(location);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid FROM items WHERE id = $id;";
        command.Parameters.AddWithValue("$id", id);
        return (long)command.ExecuteScalar()!;
    }
}
