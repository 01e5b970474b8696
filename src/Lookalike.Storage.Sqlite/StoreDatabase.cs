using Lookalike.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite;

/// <summary>
/// The store's one SQLite file as both stores (catalog, feedback) use it: pooled connections in WAL mode, and write
/// transactions that take the write lock up front and turn "cannot write" failures into
/// <see cref="LookalikeErrorKind.StoreUnavailable"/>.
/// </summary>
internal sealed class StoreDatabase
{
    private readonly string _connectionString;

    /// <param name="directory">The store folder.</param>
    /// <param name="readOnly">Open read-only media: WAL cannot create its -shm file there, so the file is opened immutable.</param>
    /// <param name="create">Create the database file when it does not exist.</param>
    public StoreDatabase(string directory, bool readOnly, bool create)
    {
        Location = directory;
        DatabasePath = StoreFiles.DatabasePath(directory);
        ReadOnly = readOnly;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = readOnly ? new Uri(DatabasePath).AbsoluteUri + "?immutable=1" : DatabasePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string Location { get; }

    public string DatabasePath { get; }

    public bool ReadOnly { get; }

    public SqliteConnection Connect()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        if (ReadOnly) return connection;
        // WAL: readers never block the writer and a crash rolls back to the last commit.
        Execute(connection, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
        return connection;
    }

    /// <summary>Runs <paramref name="action"/> in one transaction: all of it commits, or none.</summary>
    /// <param name="durable">Make the commit durable before returning (<c>synchronous = FULL</c>): for a commit after
    /// which files the old state needs are deleted (a compaction), so a power loss cannot roll back to that old state.</param>
    public void Write(Action<SqliteConnection> action, bool durable = false)
    {
        try
        {
            using var connection = Connect();
            if (durable) Execute(connection, "PRAGMA synchronous = FULL;");
            // BEGIN IMMEDIATE takes the write lock up front, so a second writer waits (busy timeout) instead of failing mid-way.
            Execute(connection, "BEGIN IMMEDIATE;");
            try
            {
                action(connection);
                Execute(connection, "COMMIT;");
            }
            catch
            {
                // SQLite may already have rolled back (e.g. on SQLITE_FULL); the original error is the one to report.
                try { Execute(connection, "ROLLBACK;"); } catch (SqliteException) { }
                throw;
            }
            finally
            {
                if (durable) Execute(connection, "PRAGMA synchronous = NORMAL;");
            }
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 8 /* READONLY */ or 13 /* FULL */ or 5 /* BUSY */ or 10 /* IOERR */)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Cannot write store {Location}: {e.Message}", Location, e);
        }
    }

    public void ClearPool() => SqliteConnection.ClearPool(new SqliteConnection(_connectionString));

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
