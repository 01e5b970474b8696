namespace Lookalike.Storage.Sqlite;

/// <summary>File names inside a store folder.</summary>
internal static class StoreFiles
{
    public const string Database = "catalog.db";

    public static string DatabasePath(string directory) => Path.Combine(directory, Database);
}
