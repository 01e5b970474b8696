using System.Globalization;
using System.Text.Json;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite;

/// <summary>
/// Feedback events in the store's SQLite database (table <c>feedback</c>, schema v2), beside the catalog. Each
/// <see cref="Add"/> is one <c>BEGIN IMMEDIATE</c> transaction; events are append-only and numbered by arrival
/// (<see cref="FeedbackEvent.Sequence"/>). Feedback writes do not bump the catalog generation: they change no vector.
/// Thread-safe: each call uses its own pooled connection.
/// </summary>
public sealed class SqliteFeedbackStore : IFeedbackStore
{
    private const string HybridWeightsKey = "hybrid_weights";

    private readonly StoreDatabase _database;
    private readonly TimeProvider _time;

    private SqliteFeedbackStore(string directory, TimeProvider time, bool readOnly)
    {
        _database = new StoreDatabase(directory, readOnly, create: false);
        _time = time;
    }

    public string Location => _database.Location;

    /// <summary>Opens the feedback side of the store in <paramref name="directory"/> (which must exist), upgrading its schema.</summary>
    /// <param name="time">Clock for <c>updated_ms</c> stamps; the system clock by default.</param>
    /// <exception cref="LookalikeException">NotFound when there is no store; StoreCorrupt when it is not a Lookalike store or is newer than this build.</exception>
    public static SqliteFeedbackStore Open(string directory, TimeProvider? time = null)
    {
        string full = Path.GetFullPath(directory);
        string db = StoreFiles.DatabasePath(full);
        if (!File.Exists(db))
            throw LookalikeException.NotFound(full, $"No Lookalike store at {full}. Run 'lookalike index <folder> --store {directory}' first.");
        var store = new SqliteFeedbackStore(full, time ?? TimeProvider.System, readOnly: false);
        try
        {
            using var connection = store.Connect();
            Migrator.Migrate(connection, db);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 14 /* CANTOPEN */ or 8 /* READONLY */)
        {
            // A store on a read-only file system or folder: reading feedback works, writes fail with StoreUnavailable.
            var readOnly = new SqliteFeedbackStore(full, time ?? TimeProvider.System, readOnly: true);
            try
            {
                using var connection = readOnly.Connect();
                if (Migrator.GetVersion(connection) == Migrator.LatestVersion) return readOnly;
            }
            catch (SqliteException) { }
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable,
                $"Store {db} is read-only and has no feedback table yet (schema older than v{Migrator.LatestVersion}); open it once where it is writable.", db, e);
        }
        catch (SqliteException e)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"Cannot open store {db}: {e.Message}", db, e);
        }
        return store;
    }

    public int Add(IReadOnlyList<FeedbackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events) e.Checked();
        if (events.Count == 0) return 0;
        int stored = 0;
        Write(connection =>
        {
            using var command = connection.CreateCommand();
            // OR IGNORE: only the unique source index can fire here (events were validated above).
            command.CommandText = """
                INSERT OR IGNORE INTO feedback (user_id, kind, item_id, other_id, value, context, time_ms, source)
                VALUES ($user, $kind, $item, $other, $value, $context, $time, $source);
                """;
            var user = command.Parameters.Add("$user", SqliteType.Text);
            var kind = command.Parameters.Add("$kind", SqliteType.Text);
            var item = command.Parameters.Add("$item", SqliteType.Text);
            var other = command.Parameters.Add("$other", SqliteType.Text);
            var value = command.Parameters.Add("$value", SqliteType.Real);
            var context = command.Parameters.Add("$context", SqliteType.Text);
            var time = command.Parameters.Add("$time", SqliteType.Integer);
            var source = command.Parameters.Add("$source", SqliteType.Text);
            foreach (var e in events)
            {
                user.Value = e.User.Value;
                kind.Value = FeedbackKinds.Name(e.Kind);
                item.Value = e.Item.Value;
                other.Value = e.Other is { } o ? o.Value : DBNull.Value;
                value.Value = e.Value is { } v ? v : DBNull.Value;
                context.Value = (object?)e.Context ?? DBNull.Value;
                time.Value = e.Time.ToUnixTimeMilliseconds();
                source.Value = (object?)e.Source ?? DBNull.Value;
                stored += command.ExecuteNonQuery();
            }
        });
        return stored;
    }

    public IEnumerable<FeedbackEvent> Read(long afterSequence = 0)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM feedback WHERE seq > $after ORDER BY seq;";
        command.Parameters.AddWithValue("$after", afterSequence);
        using var reader = command.ExecuteReader();
        while (reader.Read()) yield return ReadEvent(reader);
    }

    public IReadOnlyList<FeedbackEvent> ReadUser(UserId user)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM feedback WHERE user_id = $user ORDER BY seq;";
        command.Parameters.AddWithValue("$user", user.Value);
        using var reader = command.ExecuteReader();
        var events = new List<FeedbackEvent>();
        while (reader.Read()) events.Add(ReadEvent(reader));
        return events;
    }

    public (IReadOnlyList<FeedbackEvent> Events, int Total) ReadUserNewest(UserId user, int newest)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(newest);
        using var connection = Connect();
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM feedback WHERE user_id = $user;";
        count.Parameters.AddWithValue("$user", user.Value);
        int total = Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM feedback WHERE user_id = $user ORDER BY seq DESC LIMIT $newest;";
        command.Parameters.AddWithValue("$user", user.Value);
        command.Parameters.AddWithValue("$newest", newest);
        using var reader = command.ExecuteReader();
        var events = new List<FeedbackEvent>(Math.Min(newest, total));
        while (reader.Read()) events.Add(ReadEvent(reader));
        events.Reverse();
        return (events, total);
    }

    public long LastSequence
    {
        get
        {
            using var connection = Connect();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(MAX(seq), 0) FROM feedback;";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
    }

    public FeedbackStats GetStats()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*), COUNT(DISTINCT user_id), COUNT(DISTINCT item_id), MIN(time_ms), MAX(time_ms) FROM feedback;
            SELECT kind, COUNT(*) FROM feedback GROUP BY kind ORDER BY kind;
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        long events = reader.GetInt64(0);
        int users = reader.GetInt32(1), items = reader.GetInt32(2);
        DateTimeOffset? first = reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3));
        DateTimeOffset? last = reader.IsDBNull(4) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4));
        reader.NextResult();
        var byKind = new SortedDictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read()) byKind[reader.GetString(0)] = reader.GetInt64(1);
        return new FeedbackStats { Events = events, Users = users, Items = items, ByKind = byKind, First = first, Last = last };
    }

    public int RemoveUser(UserId user)
    {
        int removed = 0;
        Write(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM feedback WHERE user_id = $user;";
            command.Parameters.AddWithValue("$user", user.Value);
            removed = command.ExecuteNonQuery();
        });
        return removed;
    }

    public HybridWeights? LoadHybridWeights()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM recommender_state WHERE key = $key;";
        command.Parameters.AddWithValue("$key", HybridWeightsKey);
        if (command.ExecuteScalar() is not string json) return null;
        try
        {
            var stored = JsonSerializer.Deserialize<StoredWeights>(json);
            if (stored is null) return null;
            return new HybridWeights(stored.ItemKnn, stored.UserKnn, stored.Visual, stored.Popular, stored.VisualKnn)
            {
                Origin = stored.Origin ?? "stored",
                ValidationScore = stored.ValidationScore,
                TunedAt = stored.TunedAtMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
            };
        }
        catch (Exception e) when (e is JsonException or LookalikeException)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"Stored hybrid weights in {Location} are unreadable: {e.Message}", Location, e);
        }
    }

    public void SaveHybridWeights(HybridWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        string json = JsonSerializer.Serialize(new StoredWeights
        {
            ItemKnn = weights.ItemKnn, UserKnn = weights.UserKnn, Visual = weights.Visual, VisualKnn = weights.VisualKnn, Popular = weights.Popular,
            Origin = weights.Origin, ValidationScore = weights.ValidationScore, TunedAtMs = weights.TunedAt?.ToUnixTimeMilliseconds(),
        });
        Write(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO recommender_state (key, value, updated_ms) VALUES ($key, $value, $updated)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_ms = excluded.updated_ms;
                """;
            command.Parameters.AddWithValue("$key", HybridWeightsKey);
            command.Parameters.AddWithValue("$value", json);
            command.Parameters.AddWithValue("$updated", _time.GetUtcNow().ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
        });
    }

    public void Dispose() => _database.ClearPool();

    private const string Columns = "seq, user_id, kind, item_id, other_id, value, context, time_ms, source";

    private static FeedbackEvent ReadEvent(SqliteDataReader reader)
    {
        string kindName = reader.GetString(2);
        if (!FeedbackKinds.TryParse(kindName, out var kind))
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"Feedback event {reader.GetInt64(0)} has unknown kind '{kindName}'.");
        return new FeedbackEvent
        {
            Sequence = reader.GetInt64(0),
            User = UserId.Parse(reader.GetString(1)),
            Kind = kind,
            Item = ItemId.Parse(reader.GetString(3)),
            Other = reader.IsDBNull(4) ? null : ItemId.Parse(reader.GetString(4)),
            Value = reader.IsDBNull(5) ? null : reader.GetDouble(5),
            Context = reader.IsDBNull(6) ? null : reader.GetString(6),
            Time = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
            Source = reader.IsDBNull(8) ? null : reader.GetString(8),
        };
    }

    private SqliteConnection Connect() => _database.Connect();

    private void Write(Action<SqliteConnection> action) => _database.Write(action);

    private sealed class StoredWeights
    {
        public double ItemKnn { get; set; }
        public double UserKnn { get; set; }
        public double Visual { get; set; }
        public double VisualKnn { get; set; }
        public double Popular { get; set; }
        public string? Origin { get; set; }
        public double? ValidationScore { get; set; }
        public long? TunedAtMs { get; set; }
    }
}
