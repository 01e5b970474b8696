using System.Globalization;
using System.Reflection;
using Lookalike.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite;

/// <summary>
/// Brings a database to the newest schema by running the embedded <c>Migrations/NNN_*.sql</c> scripts above its
/// <c>PRAGMA user_version</c>, each in its own transaction together with the version bump. A version may also have a code
/// step that runs first in the same transaction (004 writes the vector file its SQL then refers to).
/// </summary>
internal static class Migrator
{
    private static readonly Lazy<List<(int Version, string Name, string Sql)>> Scripts = new(LoadScripts);

    /// <summary>The schema version from which vectors live in the vector file, not in SQLite.</summary>
    public const int VectorFileVersion = 4;

    private static readonly Dictionary<int, Action<SqliteConnection, SqliteTransaction, string>> CodeSteps = new()
    {
        [VectorFileVersion] = Vectors.VectorFileMigration.Prepare,
    };

    public static int LatestVersion => Scripts.Value[^1].Version;

    public static void Migrate(SqliteConnection connection, string databasePath)
    {
        int current = GetVersion(connection);
        if (current > LatestVersion)
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                $"Store {databasePath} has schema version {current}, newer than this build understands ({LatestVersion}). Upgrade Lookalike.",
                databasePath);
        bool movedVectors = false;
        foreach (var (version, name, sql) in Scripts.Value)
        {
            if (version <= current) continue;
            // BEGIN IMMEDIATE: two processes opening an old store at once migrate it once; the second sees the new version.
            using var transaction = connection.BeginTransaction(deferred: false);
            if (GetVersion(connection, transaction) >= version) continue;
            try
            {
                if (CodeSteps.TryGetValue(version, out var step)) step(connection, transaction, Path.GetDirectoryName(databasePath)!);
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = sql + $"\nPRAGMA user_version = {version.ToString(CultureInfo.InvariantCulture)};";
                command.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"Migration {name} failed on {databasePath}: {e.Message}", databasePath, e);
            }
            transaction.Commit();
            movedVectors |= version == VectorFileVersion && current > 0;
        }
        // The BLOBs' pages are free now; give them back to the file system (VACUUM cannot run inside a transaction).
        if (movedVectors) StoreDatabase.Execute(connection, "VACUUM;");
    }

    public static int GetVersion(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static List<(int, string, string)> LoadScripts()
    {
        var assembly = typeof(Migrator).Assembly;
        var scripts = new List<(int, string, string)>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            // Resource names look like Lookalike.Storage.Sqlite.Migrations.001_initial.sql
            const string marker = ".Migrations.";
            int at = resource.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal)) continue;
            string name = resource[(at + marker.Length)..];
            int version = int.Parse(name.AsSpan(0, name.IndexOf('_', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add((version, name, reader.ReadToEnd()));
        }
        scripts.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return scripts;
    }
}
