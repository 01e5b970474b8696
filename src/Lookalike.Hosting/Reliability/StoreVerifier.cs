using System.Globalization;
using System.Runtime.InteropServices;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Search.USearch;
using Lookalike.Storage.Sqlite.Vectors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Hosting.Reliability;

/// <summary>The outcome of <see cref="StoreVerifier.Verify"/>; healthy when no finding is an error.</summary>
public sealed record VerifyReport(string Location, int Items, long Generation, string? Model, int Dimension, IReadOnlyList<VerifyFinding> Findings)
{
    public bool Healthy => Findings.All(f => f.Severity != VerifySeverity.Error);
}

/// <summary>
/// Checks a store without changing it: SQLite <c>PRAGMA integrity_check</c>, the model binding, every vector's
/// model id, dimension, finiteness and norm (vectors are L2-normalised at ingest), duplicate ids, the vector file
/// (header, length, checksum, each item's row: <see cref="VectorFileCheck"/>), and the HNSW
/// cache's header against the store (a stale or damaged cache is a note: it is rebuilt on the next load).
/// Opens the database read-only, so it is safe beside a running <c>index</c> or <c>serve</c>.
/// </summary>
public static class StoreVerifier
{
    /// <summary>How far a stored vector's L2 norm may be from 1.</summary>
    public const double NormTolerance = 1e-3;

    /// <summary>At most this many findings of one check are listed; the rest are counted.</summary>
    private const int FindingsPerCheck = 10;

    /// <exception cref="LookalikeException">NotFound when there is no store database in <paramref name="location"/>.</exception>
    public static VerifyReport Verify(string location)
    {
        string full = Path.GetFullPath(location);
        string db = Path.Combine(full, "catalog.db");
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
                return new VerifyReport(full, 0, 0, null, 0, findings);
            }
            if (!TableExists(connection, "items") || !TableExists(connection, "store_meta"))
            {
                findings.Add(new(VerifySeverity.Error, "schema", "the items or store_meta table is missing: not a Lookalike store", rebuild));
                return new VerifyReport(full, 0, 0, null, 0, findings);
            }
            model = Meta(connection, "model_id");
            string? dimensionText = Meta(connection, "dimension");
            generation = long.TryParse(Meta(connection, "generation"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long g) ? g : 0;
            if (dimensionText is not null && (!int.TryParse(dimensionText, NumberStyles.Integer, CultureInfo.InvariantCulture, out dimension) || dimension <= 0))
                findings.Add(new(VerifySeverity.Error, "model", $"the store's dimension '{dimensionText}' is not a positive integer", rebuild));
            if (ColumnExists(connection, "items", "vector_row")) CheckItemRows(connection, full, model, dimension, findings, reindex, rebuild, ref items);
            else CheckItems(connection, model, dimension, findings, reindex, ref items);
        }
        catch (SqliteException e)
        {
            findings.Add(new(VerifySeverity.Error, "sqlite", $"cannot read {db}: {e.Message}", rebuild));
            return new VerifyReport(full, items, generation, model, dimension, findings);
        }
        CheckIndexCache(full, model, dimension, generation, findings);
        return new VerifyReport(full, items, generation, model, dimension, findings);
    }

    /// <summary>Schema v4 on: vectors in the vector file (<c>vectors.f32</c>), each item naming its row.</summary>
    private static void CheckItemRows(SqliteConnection connection, string location, string? model, int dimension, List<VerifyFinding> findings, string reindex, string rebuild, ref int items)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, model_id, dimension, vector_row FROM items ORDER BY id;";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string check, string problem, string repair)
        {
            int n = counts[check] = counts.GetValueOrDefault(check) + 1;
            if (n <= FindingsPerCheck) findings.Add(new(VerifySeverity.Error, check, problem, repair));
        }
        var rows = new List<(string Id, long Row)>();
        string repairItem = $"delete the item ('lookalike' API DELETE /api/items/{{id}}) or {reindex}";
        while (reader.Read())
        {
            items++;
            string id = reader.GetString(0);
            string itemModel = reader.IsDBNull(1) ? "" : reader.GetString(1);
            if (model is null) Add("model", $"item '{id}' exists but the store has no model binding", $"move the store aside and {reindex}");
            else if (itemModel != model) Add("model", $"item '{id}' was embedded with '{itemModel}', the store holds '{model}'", repairItem);
            int itemDimension = reader.IsDBNull(2) ? 0 : reader.GetInt32(2);
            if (dimension > 0 && itemDimension != dimension)
                Add("dimension", $"item '{id}' has dimension {itemDimension}, the store {dimension}", repairItem);
            rows.Add((id, reader.GetInt64(3)));
        }
        foreach (var (check, n) in counts.Where(kv => kv.Value > FindingsPerCheck))
            findings.Add(new(VerifySeverity.Error, check, $"{n - FindingsPerCheck} more item(s) fail the {check} check", reindex));
        foreach (var finding in VectorFileCheck.Check(location, dimension, rows, NormTolerance, FindingsPerCheck))
        {
            string repair = finding.Check == "vector-file" ? (finding.IsError ? rebuild : "none needed") : repairItem;
            findings.Add(new(finding.IsError ? VerifySeverity.Error : VerifySeverity.Note, finding.Check, finding.Problem, repair));
        }
    }

    /// <summary>Schema v3 and older (not yet opened by this build): vectors as BLOBs in the items table.</summary>
    private static void CheckItems(SqliteConnection connection, string? model, int dimension, List<VerifyFinding> findings, string reindex, ref int items)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, model_id, dimension, vector FROM items ORDER BY id;";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string check, string problem, string repair)
        {
            int n = counts[check] = counts.GetValueOrDefault(check) + 1;
            if (n <= FindingsPerCheck) findings.Add(new(VerifySeverity.Error, check, problem, repair));
        }
        while (reader.Read())
        {
            items++;
            string id = reader.GetString(0);
            string repairItem = $"delete the item ('lookalike' API DELETE /api/items/{{id}}) or {reindex}";
            if (!seen.Add(id)) Add("duplicates", $"item '{id}' is stored more than once", repairItem);
            string itemModel = reader.IsDBNull(1) ? "" : reader.GetString(1);
            if (model is null) Add("model", $"item '{id}' exists but the store has no model binding", $"move the store aside and {reindex}");
            else if (itemModel != model) Add("model", $"item '{id}' was embedded with '{itemModel}', the store holds '{model}'", repairItem);
            int itemDimension = reader.IsDBNull(2) ? 0 : reader.GetInt32(2);
            if (dimension > 0 && itemDimension != dimension)
                Add("dimension", $"item '{id}' has dimension {itemDimension}, the store {dimension}", repairItem);
            byte[] blob = reader.IsDBNull(3) ? [] : (byte[])reader.GetValue(3);
            if (blob.Length != itemDimension * sizeof(float) || blob.Length == 0)
            {
                Add("vectors", $"item '{id}' has a {blob.Length}-byte vector; {itemDimension} float32 need {itemDimension * sizeof(float)}", repairItem);
                continue;
            }
            var vector = MemoryMarshal.Cast<byte, float>(blob.AsSpan());
            double sum = 0;
            bool finite = true;
            foreach (float x in vector)
            {
                if (!float.IsFinite(x)) { finite = false; break; }
                sum += (double)x * x;
            }
            if (!finite) Add("norms", $"item '{id}' has a NaN or infinite vector component", repairItem);
            else if (Math.Abs(Math.Sqrt(sum) - 1) > NormTolerance)
                Add("norms", string.Create(CultureInfo.InvariantCulture, $"item '{id}' has norm {Math.Sqrt(sum):0.######}, expected 1 (vectors are normalised at ingest)"), repairItem);
        }
        foreach (var (check, n) in counts.Where(kv => kv.Value > FindingsPerCheck))
            findings.Add(new(VerifySeverity.Error, check, $"{n - FindingsPerCheck} more item(s) fail the {check} check", reindex));
    }

    private static void CheckIndexCache(string location, string? model, int dimension, long generation, List<VerifyFinding> findings) =>
        findings.AddRange(HnswIndexCache.Inspect(location, model, dimension, generation));

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
