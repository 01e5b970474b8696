using Microsoft.Data.Sqlite;

namespace Lookalike.Reliability.Tests;

/// <summary>Read-only peeks at a store another process is writing (WAL: readers never block the writer).</summary>
internal static class StoreProbe
{
    public static int CountItems(string storeDirectory)
    {
        string db = Path.Combine(storeDirectory, "catalog.db");
        if (!File.Exists(db)) return 0;
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 5,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM items;";
            return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (SqliteException)
        {
            return 0; // not created or not migrated yet
        }
    }
}
