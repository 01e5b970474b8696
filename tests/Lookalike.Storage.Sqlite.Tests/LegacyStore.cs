using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Tests;

/// <summary>
/// Writes a store the way builds before schema v4 did: the shipped migration scripts 001..<c>version</c> (the very SQL
/// those builds ran) and every vector as a float32 BLOB in <c>items.vector</c>, with no vector file.
/// </summary>
internal static class LegacyStore
{
    public static void Create(string directory, int version, string model, int dimension, IReadOnlyList<(string Id, float[] Vector)> items)
    {
        Directory.CreateDirectory(directory);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "catalog.db")};Pooling=False");
        connection.Open();
        var assembly = typeof(SqliteCatalogStore).Assembly;
        foreach (string resource in assembly.GetManifestResourceNames().Where(r => r.Contains(".Migrations.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            string name = resource[(resource.IndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
            if (int.Parse(name.AsSpan(0, 3), CultureInfo.InvariantCulture) > version) continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            Execute(connection, reader.ReadToEnd());
        }
        Execute(connection, $"PRAGMA user_version = {version.ToString(CultureInfo.InvariantCulture)};");
        using var transaction = connection.BeginTransaction();
        Execute(connection, $"""
            INSERT INTO store_meta (key, value) VALUES ('model_id', '{model}'), ('dimension', '{dimension.ToString(CultureInfo.InvariantCulture)}'), ('generation', '1');
            """, transaction);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO items (id, path, content_hash, size_bytes, modified_ms, metadata, model_id, dimension, vector, generation)
            VALUES ($id, '/p/' || $id, 'hash-' || $id, 10, 1700000000000, '{"class":"c"}', $model, $dimension, $vector, 1);
            """;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var vector = command.Parameters.Add("$vector", SqliteType.Blob);
        command.Parameters.AddWithValue("$model", model);
        command.Parameters.AddWithValue("$dimension", dimension);
        foreach (var (itemId, values) in items)
        {
            id.Value = itemId;
            vector.Value = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
            command.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    public static IReadOnlyList<string> Columns(string directory, string table)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "catalog.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}');";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
