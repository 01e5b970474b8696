using System.Globalization;
using System.Runtime.InteropServices;
using Lookalike.Core.Catalog;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite;

/// <summary>
/// The SQLite half of <c>lookalike verify</c>: <c>PRAGMA integrity_check</c>, the schema and model binding, and every
/// row's model id, dimension, finiteness and norm (vectors are L2-normalised at ingest), duplicate ids. Opens the
/// database read-only, so it is safe beside a running <c>index</c> or <c>serve</c>.
/// </summary>
public static class SqliteStoreVerifier
{
    /// <summary>How far a stored vector's L2 norm may be from 1.</summary>
    public const double NormTolerance = 1e-3;

    /// <summary>At most this many findings of one check are listed; the rest are counted.</summary>
    public const int FindingsPerCheck = 10;

    /// <summary>Checks <paramref name="db"/>, adding what is wrong to <paramref name="findings"/>; a missing table is the finding "schema".</summary>
    /// <param name="reindex">The repair advice for damaged items.</param>
    /// <param name="rebuild">The repair advice for a damaged store.</param>
    /// <returns>The store's item count, generation, model and dimension as far as they could be read; <c>Readable</c> false
    /// when the database could not be read through (or is not a Lookalike store), so checks of derived files are moot.</returns>
    public static (int Items, long Generation, string? Model, int Dimension, bool Readable) Check(string db, List<VerifyFinding> findings, string reindex, string rebuild)
    {
        ArgumentNullException.ThrowIfNull(findings);
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
                return (0, 0, null, 0, false);
            }
            if (!TableExists(connection, "items") || !TableExists(connection, "store_meta"))
            {
                findings.Add(new(VerifySeverity.Error, "schema", "the items or store_meta table is missing: not a Lookalike store", rebuild));
                return (0, 0, null, 0, false);
            }
            model = Meta(connection, "model_id");
            string? dimensionText = Meta(connection, "dimension");
            generation = long.TryParse(Meta(connection, "generation"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long g) ? g : 0;
            if (dimensionText is not null && (!int.TryParse(dimensionText, NumberStyles.Integer, CultureInfo.InvariantCulture, out dimension) || dimension <= 0))
                findings.Add(new(VerifySeverity.Error, "model", $"the store's dimension '{dimensionText}' is not a positive integer", rebuild));
            CheckItems(connection, model, dimension, findings, reindex, ref items);
        }
        catch (SqliteException e)
        {
            findings.Add(new(VerifySeverity.Error, "sqlite", $"cannot read {db}: {e.Message}", rebuild));
            return (items, generation, model, dimension, false);
        }
        return (items, generation, model, dimension, true);
    }

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

    private static string? Meta(SqliteConnection connection, string key)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM store_meta WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }
}
