using System.Globalization;
using System.Runtime.InteropServices;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Storage.Sqlite.Vectors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite;

/// <summary>
/// The SQLite store's half of <c>lookalike verify</c>: <c>PRAGMA integrity_check</c>, the model binding, every item's
/// model id and dimension, and its vector: in the vector file (header, length, checksum, each item's row:
/// <see cref="VectorFileCheck"/>), or, in a store of schema v3 and older not yet opened by this build, as a BLOB
/// (length, finiteness, norm; duplicate ids). Opens the database read-only, so it is safe beside a running
/// <c>index</c> or <c>serve</c>.
/// </summary>
public sealed class SqliteStoreCheck : IStoreFileCheck
{
    /// <summary>How far a stored vector's L2 norm may be from 1.</summary>
    public const double NormTolerance = 1e-3;

    /// <summary>At most this many findings of one check are listed; the rest are counted.</summary>
    private const int FindingsPerCheck = 10;

    /// <inheritdoc/>
    public StoreFileReport Check(string location)
    {
        string full = Path.GetFullPath(location);
        string db = StoreFiles.DatabasePath(full);
        if (!File.Exists(db))
            throw LookalikeException.NotFound(full, $"No Lookalike store at {full} (no catalog.db).");
        var findings = new List<VerifyFinding>();
        string reindex = $"re-index: 'lookalike index <folder> --store {full}' (unchanged, healthy items are skipped)";
        string rebuild = $"move {full} aside and rebuild it with 'lookalike index <folder> --store {full}'";
        string? model = null;
        int dimension = 0, items = 0;
        long generation = 0;
        try
        {
            using var connection = OpenReadOnly(db);
            var integrity = new List<string>();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA integrity_check;";
                using var reader = command.ExecuteReader();
                while (reader.Read()) integrity.Add(reader.GetString(0));
            }
            if (integrity is not ["ok"])
            {
                foreach (string line in integrity.Take(FindingsPerCheck))
                    findings.Add(new(VerifySeverity.Error, "sqlite", $"integrity_check: {line}",
                        $"recover with 'sqlite3 {db} .recover | sqlite3 new.db', or {rebuild}"));
            }
            if (IsBlank(connection))
            {
                // SQLite creates the file before the first migration's transaction commits: a run killed in between
                // leaves a database with no schema at all, which the next index turns into the store. Nothing is lost.
                findings.Add(new(VerifySeverity.Note, "schema", "an empty database: the store's creation was interrupted before its schema was written",
                    "nothing to repair: the next 'lookalike index' creates the store"));
                return new StoreFileReport(0, 0, null, 0, Complete: false, findings);
            }
            if (!TableExists(connection, "items") || !TableExists(connection, "store_meta"))
            {
                findings.Add(new(VerifySeverity.Error, "schema", "the items or store_meta table is missing: not a Lookalike store", rebuild));
                return new StoreFileReport(0, 0, null, 0, Complete: false, findings);
            }
            model = Meta(connection, "model_id");
            string? dimensionText = Meta(connection, "dimension");
            generation = long.TryParse(Meta(connection, "generation"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long g) ? g : 0;
            if (dimensionText is not null && (!int.TryParse(dimensionText, NumberStyles.Integer, CultureInfo.InvariantCulture, out dimension) || dimension <= 0))
                findings.Add(new(VerifySeverity.Error, "model", $"the store's dimension '{dimensionText}' is not a positive integer", rebuild));
            var checks = new ItemChecks(model, dimension, findings, reindex);
            if (ColumnExists(connection, "items", "vector_row")) CheckItemRows(connection, full, checks, rebuild);
            else CheckItemBlobs(connection, checks);
            items = checks.Items;
        }
        catch (SqliteException e)
        {
            findings.Add(new(VerifySeverity.Error, "sqlite", $"cannot read {db}: {e.Message}", rebuild));
            return new StoreFileReport(items, generation, model, dimension, Complete: false, findings);
        }
        return new StoreFileReport(items, generation, model, dimension, Complete: true, findings);
    }

    /// <summary>Schema v4 on: vectors in the vector file (<c>vectors.f32</c>; from v5 the one store_meta names), each item naming its row.</summary>
    private static void CheckItemRows(SqliteConnection connection, string location, ItemChecks checks, string rebuild)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, model_id, dimension, vector_row FROM items ORDER BY id;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string Id, long Row)>();
        while (reader.Read())
        {
            string id = checks.Binding(reader, out _);
            rows.Add((id, reader.GetInt64(3)));
        }
        checks.Close();
        string fileName = Meta(connection, "vector_file") ?? StoreFiles.FirstVectors;
        if (StoreFiles.VectorsNumber(fileName) is null)
        {
            checks.Findings.Add(new(VerifySeverity.Error, "vector-file", $"store_meta names '{fileName}' as the vector file, which is not a vector file name (vectors.f32, vectors.N.f32)", rebuild));
            return;
        }
        foreach (var finding in VectorFileCheck.Check(location, fileName, checks.Dimension, rows, NormTolerance, FindingsPerCheck))
        {
            string repair = finding.Check == "vector-file" ? (finding.IsError ? rebuild : "none needed") : ItemChecks.RepairItem(checks.Reindex);
            checks.Findings.Add(new(finding.IsError ? VerifySeverity.Error : VerifySeverity.Note, finding.Check, finding.Problem, repair));
        }
    }

    /// <summary>Schema v3 and older (not yet opened by this build): vectors as BLOBs in the items table.</summary>
    private static void CheckItemBlobs(SqliteConnection connection, ItemChecks checks)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, model_id, dimension, vector FROM items ORDER BY id;";
        using var reader = command.ExecuteReader();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            string id = reader.GetString(0);
            if (!seen.Add(id)) checks.Add("duplicates", $"item '{id}' is stored more than once");
            checks.Binding(reader, out int itemDimension);
            byte[] blob = reader.IsDBNull(3) ? [] : (byte[])reader.GetValue(3);
            if (blob.Length != itemDimension * sizeof(float) || blob.Length == 0)
            {
                checks.Add("vectors", $"item '{id}' has a {blob.Length}-byte vector; {itemDimension} float32 need {itemDimension * sizeof(float)}");
                continue;
            }
            if (CheckTally.NormProblem(id, MemoryMarshal.Cast<byte, float>(blob.AsSpan()), NormTolerance) is { } problem) checks.Add("norms", problem);
        }
        checks.Close();
    }

    /// <summary>The per-item checks both schemas share: the item's model and dimension against the store's binding.</summary>
    private sealed class ItemChecks(string? model, int dimension, List<VerifyFinding> findings, string reindex)
    {
        private readonly CheckTally _tally = new(FindingsPerCheck);

        public int Items { get; private set; }

        public int Dimension => dimension;

        public List<VerifyFinding> Findings => findings;

        public string Reindex => reindex;

        public static string RepairItem(string reindex) => $"delete the item ('lookalike' API DELETE /api/items/{{id}}) or {reindex}";

        /// <summary>Counts the row (id, model_id, dimension first) and checks its binding; returns its id.</summary>
        public string Binding(SqliteDataReader reader, out int itemDimension)
        {
            Items++;
            string id = reader.GetString(0);
            string itemModel = reader.IsDBNull(1) ? "" : reader.GetString(1);
            if (model is null) Add("model", $"item '{id}' exists but the store has no model binding", $"move the store aside and {reindex}");
            else if (itemModel != model) Add("model", $"item '{id}' was embedded with '{itemModel}', the store holds '{model}'");
            itemDimension = reader.IsDBNull(2) ? 0 : reader.GetInt32(2);
            if (dimension > 0 && itemDimension != dimension)
                Add("dimension", $"item '{id}' has dimension {itemDimension}, the store {dimension}");
            return id;
        }

        public void Add(string check, string problem, string? repair = null)
        {
            if (_tally.Count(check)) findings.Add(new(VerifySeverity.Error, check, problem, repair ?? RepairItem(reindex)));
        }

        /// <summary>Counts what was not listed.</summary>
        public void Close()
        {
            foreach (var (check, more) in _tally.Unlisted)
                findings.Add(new(VerifySeverity.Error, check, CheckTally.MoreItems(check, more), reindex));
        }
    }

    /// <summary>
    /// Read-only: never creates, migrates or checkpoints anything; pooling off so the file is released at once. On a
    /// read-only file system WAL cannot create its -shm file, so it falls back to opening the file as immutable.
    /// </summary>
    private static SqliteConnection OpenReadOnly(string db)
    {
        SqliteConnection Open(string source)
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30,
            }.ToString());
            try
            {
                connection.Open();
                using var probe = connection.CreateCommand();
                probe.CommandText = "SELECT COUNT(*) FROM sqlite_master;";
                probe.ExecuteScalar();
                return connection;
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
        try
        {
            return Open(db);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 14 /* CANTOPEN */ or 8 /* READONLY */)
        {
            return Open(new Uri(db).AbsoluteUri + "?immutable=1");
        }
    }

    /// <summary>True for a database with no schema object and schema version 0: a creation that never committed.</summary>
    private static bool IsBlank(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT count(*) FROM sqlite_master) + (SELECT user_version FROM pragma_user_version);";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 0;
    }

    private static bool TableExists(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $name;";
        command.Parameters.AddWithValue("$name", table);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static bool ColumnExists(SqliteConnection connection, string table, string column)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info($table) WHERE name = $column;";
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$column", column);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) > 0;
    }

    private static string? Meta(SqliteConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM store_meta WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }
}
