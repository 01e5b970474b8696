using System.Globalization;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;
using Lookalike.Storage.Sqlite.Vectors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite;

/// <summary>
/// The embedded default store, a folder: one SQLite database (<c>catalog.db</c>, WAL mode) with ids, metadata, feedback
/// and each item's row in the append-only vector file beside it (<c>vectors.f32</c>, after a compaction
/// <c>vectors.N.f32</c>: SQLite names the current one), which is read memory-mapped.
/// Every write is one transaction that also bumps the store generation, and the vectors it refers to are on disk before
/// it commits, so a crash leaves the old or the new state, never half. A compaction (<see cref="CompactVectors"/>)
/// rewrites the live rows into the next file and switches to it in one commit. Every read takes the file name from the
/// same snapshot as the rows it reads. Thread-safe: each call uses its own pooled connection.
/// </summary>
public sealed class SqliteCatalogStore : ICatalogStore, ICompactingStore
{
    private const string MetaModel = "model_id";
    private const string MetaDimension = "dimension";
    private const string MetaRoot = "root";
    private const string MetaGeneration = "generation";
    private const string MetaGenerationNonce = "generation_nonce";
    private const string MetaProjectionVersion = "projection_version";
    private const string MetaQueryViews = "query_views";
    private const string MetaVectorFile = "vector_file";

    /// <summary>Reads retried when the vector file their snapshot named was removed by a compaction before it was mapped.</summary>
    private const int SnapshotAttempts = 4;

    private readonly StoreDatabase _database;
    private readonly VectorFileMaps _maps;

    private SqliteCatalogStore(string directory, bool readOnly)
    {
        _database = new StoreDatabase(directory, readOnly, create: true);
        _maps = new VectorFileMaps(directory);
    }

    public string Location => _database.Location;

    /// <summary>Opens the store in <paramref name="directory"/>, creating folder and database when <paramref name="create"/>.</summary>
    /// <exception cref="LookalikeException">NotFound when absent and not created; StoreCorrupt when it is not a Lookalike store.</exception>
    public static SqliteCatalogStore Open(string directory, bool create)
    {
        string full = Path.GetFullPath(directory);
        string db = StoreFiles.DatabasePath(full);
        if (!File.Exists(db))
        {
            if (!create)
                throw LookalikeException.NotFound(full, $"No Lookalike store at {full}. Run 'lookalike index <folder> --store {directory}' first.");
            try
            {
                Directory.CreateDirectory(full);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Cannot create store folder {full}: {e.Message}", full, e);
            }
        }
        var store = new SqliteCatalogStore(full, readOnly: false);
        try
        {
            using var connection = store.Connect();
            Migrator.Migrate(connection, db);
        }
        catch (SqliteException e) when (!create && e.SqliteErrorCode is 14 /* CANTOPEN */ or 8 /* READONLY */ && TryOpenReadOnly(full) is { } readOnly)
        {
            // A store on a read-only file system or folder: queries work, writes fail with StoreUnavailable.
            return readOnly;
        }
        catch (SqliteException e)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"Cannot open store {db}: {e.Message}", db, e);
        }
        return store;
    }

    private static SqliteCatalogStore? TryOpenReadOnly(string directory)
    {
        var store = new SqliteCatalogStore(directory, readOnly: true);
        try
        {
            using var connection = store.Connect();
            return Migrator.GetVersion(connection) == Migrator.LatestVersion ? store : null;
        }
        catch (SqliteException)
        {
            return null;
        }
    }

    public ModelId? Model => GetMeta(MetaModel) is { } m ? new ModelId(m) : null;

    public string? Root => GetMeta(MetaRoot);

    public StoreInfo GetInfo()
    {
        using var connection = Connect();
        int items = Convert.ToInt32(Scalar(connection, "SELECT COUNT(*) FROM items;"), CultureInfo.InvariantCulture);
        long bytes = 0;
        foreach (var file in Directory.EnumerateFiles(Location, StoreFiles.Database + "*")) bytes += new FileInfo(file).Length;
        string vectors = Path.Combine(Location, VectorFileName(connection));
        if (File.Exists(vectors)) bytes += new FileInfo(vectors).Length;
        string? model = GetMeta(connection, MetaModel);
        return new StoreInfo
        {
            Location = Location,
            Items = items,
            Model = model is null ? null : new ModelId(model),
            Dimension = int.TryParse(GetMeta(connection, MetaDimension), NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) ? d : 0,
            StoreBytes = bytes,
            SchemaVersion = Migrator.GetVersion(connection),
            Generation = long.TryParse(GetMeta(connection, MetaGeneration), NumberStyles.Integer, CultureInfo.InvariantCulture, out long g) ? g : 0,
            Root = GetMeta(connection, MetaRoot),
        };
    }

    public IReadOnlyList<string> GetMetadataColumns()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT DISTINCT j.key FROM items, json_each(items.metadata) AS j;";
        using var reader = command.ExecuteReader();
        var columns = new SortedSet<string>(StringComparer.Ordinal);
        while (reader.Read()) columns.Add(reader.GetString(0));
        return columns.ToList();
    }

    public void BindModel(ModelId model, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        Write(connection =>
        {
            string? existing = GetMeta(connection, MetaModel);
            if (existing is null)
            {
                SetMeta(connection, MetaModel, model.Value);
                SetMeta(connection, MetaDimension, dimension.ToString(CultureInfo.InvariantCulture));
                return;
            }
            if (existing != model.Value)
                throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                    $"Store {Location} holds vectors of model '{existing}', not '{model}'. Use the same --model, or another --store for this model.",
                    Location);
        });
    }

    public void SetRoot(string root) => Write(connection => SetMeta(connection, MetaRoot, Path.GetFullPath(root)));

    public IReadOnlyDictionary<ItemId, ItemFingerprint> GetFingerprints()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, content_hash, size_bytes, modified_ms FROM items;";
        using var reader = command.ExecuteReader();
        var result = new Dictionary<ItemId, ItemFingerprint>();
        while (reader.Read())
        {
            result[ItemId.Parse(reader.GetString(0))] = new ItemFingerprint(
                reader.GetString(1), reader.GetInt64(2), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)));
        }
        return result;
    }

    public void Upsert(IReadOnlyList<CatalogItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) return;
        Write(connection =>
        {
            string? boundModel = GetMeta(connection, MetaModel);
            int dimension = int.TryParse(GetMeta(connection, MetaDimension), NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) ? d : items[0].Vector.Length;
            // Every check before the first byte is appended: a refused batch leaves nothing behind.
            foreach (var item in items)
            {
                if (boundModel is not null && item.Model.Value != boundModel)
                    throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                        $"Item '{item.Id}' was embedded with model '{item.Model}', but store {Location} holds '{boundModel}'.", item.Id.Value);
                if (item.Vector.Length != dimension || dimension == 0)
                    throw LookalikeException.InvalidArgument(item.Id.Value, $"Item '{item.Id}' has a {item.Vector.Length}-d vector; store {Location} holds {dimension}-d vectors.");
            }
            long firstRow = AppendVectors(connection, items, dimension);
            long generation = NextGeneration(connection);
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO items (id, path, content_hash, size_bytes, modified_ms, metadata, model_id, dimension, vector_row, generation)
                VALUES ($id, $path, $hash, $size, $modified, $metadata, $model, $dimension, $row, $generation)
                ON CONFLICT (id) DO UPDATE SET path = excluded.path, content_hash = excluded.content_hash,
                    size_bytes = excluded.size_bytes, modified_ms = excluded.modified_ms, metadata = excluded.metadata,
                    model_id = excluded.model_id, dimension = excluded.dimension, vector_row = excluded.vector_row,
                    generation = excluded.generation;
                """;
            var id = command.Parameters.Add("$id", SqliteType.Text);
            var path = command.Parameters.Add("$path", SqliteType.Text);
            var hash = command.Parameters.Add("$hash", SqliteType.Text);
            var size = command.Parameters.Add("$size", SqliteType.Integer);
            var modified = command.Parameters.Add("$modified", SqliteType.Integer);
            var metadata = command.Parameters.Add("$metadata", SqliteType.Text);
            var model = command.Parameters.Add("$model", SqliteType.Text);
            var row = command.Parameters.Add("$row", SqliteType.Integer);
            command.Parameters.AddWithValue("$dimension", dimension);
            command.Parameters.AddWithValue("$generation", generation);
            for (int i = 0; i < items.Count; i++)
            {
                var item = items[i];
                id.Value = item.Id.Value;
                path.Value = item.Path;
                hash.Value = item.ContentHash;
                size.Value = item.SizeBytes;
                modified.Value = item.ModifiedUtc.ToUnixTimeMilliseconds();
                metadata.Value = MetadataJson.Serialize(item.Metadata);
                model.Value = item.Model.Value;
                row.Value = firstRow + i;
                command.ExecuteNonQuery();
            }
        });
    }

    /// <summary>
    /// Appends the items' vectors to the vector file and flushes them to disk; returns the first one's row. Runs inside the
    /// write transaction, so its rows are on disk before the transaction that refers to them commits.
    /// </summary>
    private long AppendVectors(SqliteConnection connection, IReadOnlyList<CatalogItem> items, int dimension)
    {
        // With no items in the table nothing can refer to the file yet: a header damaged by an interrupted creation is replaced.
        bool unreferenced = Scalar(connection, "SELECT NOT EXISTS (SELECT 1 FROM items);") is long empty && empty == 1;
        string name = VectorFileName(connection);
        RemoveLeftovers(name);
        using var appender = VectorAppender.Open(Path.Combine(Location, name), dimension, unreferenced);
        var rows = new float[items.Count * dimension];
        for (int i = 0; i < items.Count; i++) items[i].Vector.Span.CopyTo(rows.AsSpan(i * dimension, dimension));
        long first = appender.Append(rows);
        appender.Commit();
        return first;
    }

    public void UpdateDetails(IReadOnlyList<(ItemId Id, ItemFingerprint Fingerprint, IReadOnlyDictionary<string, string> Metadata)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0) return;
        Write(connection =>
        {
            long generation = NextGeneration(connection);
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE items SET content_hash = $hash, size_bytes = $size, modified_ms = $modified, metadata = $metadata,
                    generation = $generation WHERE id = $id;
                """;
            var id = command.Parameters.Add("$id", SqliteType.Text);
            var hash = command.Parameters.Add("$hash", SqliteType.Text);
            var size = command.Parameters.Add("$size", SqliteType.Integer);
            var modified = command.Parameters.Add("$modified", SqliteType.Integer);
            var metadata = command.Parameters.Add("$metadata", SqliteType.Text);
            command.Parameters.AddWithValue("$generation", generation);
            foreach (var (itemId, fingerprint, meta) in items)
            {
                id.Value = itemId.Value;
                hash.Value = fingerprint.ContentHash;
                size.Value = fingerprint.SizeBytes;
                modified.Value = fingerprint.ModifiedUtc.ToUnixTimeMilliseconds();
                metadata.Value = MetadataJson.Serialize(meta);
                command.ExecuteNonQuery();
            }
        });
    }

    public int Remove(IReadOnlyCollection<ItemId> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0) return 0;
        int removed = 0;
        Write(connection =>
        {
            NextGeneration(connection);
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM items WHERE id = $id;";
            var id = command.Parameters.Add("$id", SqliteType.Text);
            foreach (var itemId in ids)
            {
                id.Value = itemId.Value;
                removed += command.ExecuteNonQuery();
            }
        });
        return removed;
    }

    public CatalogItem? Find(ItemId id)
    {
        using var connection = Connect();
        for (int attempt = 1; ; attempt++)
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            var (name, dimension) = VectorFile(connection, transaction);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT {ItemColumns} FROM items WHERE id = $id;";
            command.Parameters.AddWithValue("$id", id.Value);
            using var reader = command.ExecuteReader();
            if (!reader.Read()) return null;
            try
            {
                using var lease = _maps.Acquire(name, dimension);
                return ReadItem(reader, lease.Vectors);
            }
            catch (LookalikeException e) when (attempt < SnapshotAttempts && VectorFileMaps.IsGone(e))
            {
                // A compaction switched files since this snapshot began and removed the one it names: read again.
            }
        }
    }

    public IEnumerable<CatalogItem> ReadAll(bool withVectors)
    {
        using var connection = Connect();
        for (int attempt = 1; ; attempt++)
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            var (name, dimension) = VectorFile(connection, transaction);
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"SELECT {ItemColumns} FROM items ORDER BY id;";
            using var reader = command.ExecuteReader();
            VectorFileMaps.Lease? lease = null;
            bool gone = false;
            try
            {
                while (reader.Read())
                {
                    if (withVectors && lease is null)
                    {
                        // Mapped, and caught up with every row this snapshot counts, before the first item is handed out:
                        // a file removed meanwhile is noticed while the read can still start over.
                        try
                        {
                            lease = _maps.Acquire(name, dimension);
                            lease.Vectors.CatchUp();
                        }
                        catch (LookalikeException e) when (attempt < SnapshotAttempts && VectorFileMaps.IsGone(e))
                        {
                            gone = true;
                            break;
                        }
                    }
                    yield return ReadItem(reader, lease?.Vectors);
                }
            }
            finally
            {
                lease?.Dispose();
            }
            if (!gone) yield break;
        }
    }

    public StoredVectors? OpenVectors()
    {
        using var connection = Connect();
        // One read snapshot for the generation and every item's row; the file is mapped inside it, after the snapshot
        // began, so it holds every row the snapshot refers to (rows are counted before the commit that refers to them).
        for (int attempt = 1; ; attempt++)
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            try
            {
                return OpenVectors(connection, transaction);
            }
            catch (LookalikeException e) when (attempt < SnapshotAttempts && VectorFileMaps.IsGone(e))
            {
                // A compaction switched files since this snapshot began and removed the one it names: open again.
            }
        }
    }

    public StoredVectors? OpenMappedVectors(string key, int dimension, VectorRowMap map)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentNullException.ThrowIfNull(map);
        if (_database.ReadOnly) return null;
        return OpenVectors() is { } raw ? MappedSpaceFile.Open(Location, raw, key, dimension, map) : null;
    }

    private StoredVectors? OpenVectors(SqliteConnection connection, SqliteTransaction transaction)
    {
        long generation = long.TryParse(GetMeta(connection, MetaGeneration, transaction), NumberStyles.Integer, CultureInfo.InvariantCulture, out long g) ? g : 0;
        long nonce = long.TryParse(GetMeta(connection, MetaGenerationNonce, transaction), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;
        var (name, dimension) = VectorFile(connection, transaction);
        string path = Path.Combine(Location, name);
        if (!File.Exists(path) && Scalar(connection, "SELECT NOT EXISTS (SELECT 1 FROM items);", transaction) is long empty && empty == 1) return null;
        var rows = MappedVectors.Open(path, dimension);
        try
        {
            if (rows.Count > Array.MaxLength) throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"{path} has more rows than one index can map ({rows.Count:N0}).", path);
            // The row-id file of this very snapshot spares the pass over every item; any other is rebuilt from it.
            bool fromFile = true;
            if (RowIdsFile.TryOpen(Location, generation, nonce, rows.Count, out _) is not { } table)
            {
                fromFile = false;
                table = SqliteRowIds.ReadTable(connection, transaction, (int)rows.Count, path);
                if (!_database.ReadOnly) RowIdsFile.TryWrite(Location, table, generation, nonce);
            }
            var ids = new SqliteRowIds(_database, table, (int)rows.Count) { FromFile = fromFile };
            return new StoredVectors(rows, ids, generation);
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    public ItemId? FindByContentHash(string contentHash)
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM items WHERE content_hash = $hash ORDER BY id LIMIT 1;";
        command.Parameters.AddWithValue("$hash", contentHash);
        return command.ExecuteScalar() is string id ? ItemId.Parse(id) : null;
    }

    public StoredProjection? GetProjection()
    {
        using var connection = Connect();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, descriptor, weights FROM projection WHERE slot = 1;";
        using var reader = command.ExecuteReader();
        if (!reader.Read()) return null;
        try
        {
            var descriptor = ProjectionJson.Deserialize(reader.GetString(1));
            var projection = Projection.FromBytes((byte[])reader.GetValue(2));
            return new StoredProjection(reader.GetInt64(0), descriptor, projection);
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                $"Store {Location} holds a learned projection that cannot be read ({e.Message}). Run 'lookalike learn --drop' and learn again.", Location, e);
        }
    }

    public StoredProjection SetProjection(ProjectionDescriptor descriptor, Projection projection)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentNullException.ThrowIfNull(projection);
        long version = 0;
        Write(connection =>
        {
            version = (long.TryParse(GetMeta(connection, MetaProjectionVersion), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) ? v : 0) + 1;
            SetMeta(connection, MetaProjectionVersion, version.ToString(CultureInfo.InvariantCulture));
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO projection (slot, version, descriptor, weights) VALUES (1, $version, $descriptor, $weights)
                ON CONFLICT (slot) DO UPDATE SET version = excluded.version, descriptor = excluded.descriptor, weights = excluded.weights;
                """;
            command.Parameters.AddWithValue("$version", version);
            command.Parameters.AddWithValue("$descriptor", ProjectionJson.Serialize(descriptor));
            command.Parameters.Add("$weights", SqliteType.Blob).Value = projection.ToBytes();
            command.ExecuteNonQuery();
        });
        MappedSpaceFile.RemoveAll(Location); // the rows of the space this one replaces
        return new StoredProjection(version, descriptor, projection);
    }

    public bool DropProjection()
    {
        int removed = 0;
        Write(connection =>
        {
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM projection WHERE slot = 1;";
            removed = command.ExecuteNonQuery();
        });
        MappedSpaceFile.RemoveAll(Location);
        return removed > 0;
    }

    public QueryViews QueryViews
    {
        get
        {
            if (GetMeta(MetaQueryViews) is not { } text) return QueryViews.Full;
            try
            {
                return QueryViews.Parse(text);
            }
            catch (LookalikeException e)
            {
                throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                    $"Store {Location} records query views '{text}' that cannot be read ({e.Message}). Set them again with 'lookalike config --query-views full'.", Location, e);
            }
        }
    }

    public void SetQueryViews(QueryViews views)
    {
        ArgumentNullException.ThrowIfNull(views);
        Write(connection =>
        {
            if (views.Equals(QueryViews.Full))
            {
                using var command = connection.CreateCommand();
                command.CommandText = "DELETE FROM store_meta WHERE key = $key;";
                command.Parameters.AddWithValue("$key", MetaQueryViews);
                command.ExecuteNonQuery();
            }
            else SetMeta(connection, MetaQueryViews, views.ToString());
        });
    }

    public VectorFileUsage? GetVectorUsage()
    {
        using var connection = Connect();
        using var transaction = connection.BeginTransaction(deferred: true);
        var (name, dimension) = VectorFile(connection, transaction);
        long live = Convert.ToInt64(Scalar(connection, "SELECT COUNT(*) FROM items;", transaction), CultureInfo.InvariantCulture);
        string path = Path.Combine(Location, name);
        if (!File.Exists(path)) return null;
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var header = VectorFileHeader.Read(handle, path);
        header.CheckDimension(dimension, path);
        return new VectorFileUsage(name, header.Dimension, header.Count, live, RandomAccess.GetLength(handle));
    }

    public VectorCompaction? CompactVectors(IProgress<(long Done, long Total)>? progress = null)
    {
        if (_database.ReadOnly)
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Cannot compact store {Location}: it is open read-only.", Location);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Held until the switch commits: no other compaction, and no write takes the new file for a leftover.
        using var exclusive = CompactionLock.Take(Location, CompactionLockWait);

        // Which rows to copy, from a read snapshot (no write is held up while every item is read).
        string current;
        VectorFileCompaction.Snapshot? snapshot;
        int dimension;
        using (var connection = Connect())
        using (var transaction = connection.BeginTransaction(deferred: true))
        {
            (current, dimension) = VectorFile(connection, transaction);
            snapshot = VectorFileCompaction.SnapshotIfAnyDead(connection, transaction, Location, current, dimension);
        }
        if (snapshot is null) return null;

        VectorFileCompaction? compaction = null;
        VectorFileCompaction.Switch? done = null;
        long generation = 0, nonce = 0;
        var held = TimeSpan.Zero;
        try
        {
            // A short write transaction creates the next file (writes remove leftovers only inside one)…
            long begun = System.Diagnostics.Stopwatch.GetTimestamp();
            _database.Write(connection =>
            {
                if (VectorFileName(connection) != current) return; // switched meanwhile: nothing of this snapshot to do
                RemoveLeftovers(current, exclusive);
                compaction = VectorFileCompaction.Begin(Location, current, dimension, snapshot);
            });
            held = System.Diagnostics.Stopwatch.GetElapsedTime(begun);
            if (compaction is null) return null;
            // …the copy runs with no lock on the store, while writes go on appending to the current file…
            compaction.CopySnapshot(progress);
            // …and one durable transaction copies what was written meanwhile and switches.
            long switching = System.Diagnostics.Stopwatch.GetTimestamp();
            _database.Write(connection =>
            {
                done = compaction.Finish(connection);
                SetMeta(connection, MetaVectorFile, compaction.NewName);
                // Same items, same vectors: the generation stays (the HNSW cache, keyed by id, stays current); the rows
                // moved, so the nonce changes and row maps of the old layout (the row-id file) no longer match.
                generation = long.TryParse(GetMeta(connection, MetaGeneration), NumberStyles.Integer, CultureInfo.InvariantCulture, out long g) ? g : 0;
                nonce = NewNonce(connection);
            }, durable: true);
            held += System.Diagnostics.Stopwatch.GetElapsedTime(switching);
        }
        catch
        {
            // Uncommitted: the new file is referred to by nothing (the next write would remove it too).
            compaction?.Dispose();
            if (compaction is not null && CurrentVectorFileName() != compaction.NewName) VectorFileCompaction.TryDelete(compaction.NewPath);
            done?.Table.Dispose();
            throw;
        }
        compaction.Dispose();
        using (done!.Table)
        {
            // Unlinked, never truncated: a reader that has the old file mapped keeps its pages.
            VectorFileCompaction.TryDelete(Path.Combine(Location, compaction.OldName));
            RowIdsFile.TryWrite(Location, done.Table, generation, nonce);
        }
        return new VectorCompaction(done.From, done.To, clock.Elapsed, held);
    }

    public void Dispose()
    {
        _maps.Dispose();
        _database.ClearPool();
    }

    /// <summary>How long a compaction waits for a write that is looking at the compaction lock (a moment, normally).</summary>
    private static readonly TimeSpan CompactionLockWait = TimeSpan.FromSeconds(2);

    private const string ItemColumns = "id, path, content_hash, size_bytes, modified_ms, metadata, model_id, dimension, vector_row, generation";

    /// <summary>The current vector file's name and the store's dimension, as <paramref name="transaction"/>'s snapshot sees them.</summary>
    private (string Name, int Dimension) VectorFile(SqliteConnection connection, SqliteTransaction transaction)
    {
        string name = VectorFileName(connection, transaction);
        int dimension = int.TryParse(GetMeta(connection, MetaDimension, transaction), NumberStyles.Integer, CultureInfo.InvariantCulture, out int d) ? d : 0;
        return (name, dimension);
    }

    private string CurrentVectorFileName()
    {
        using var connection = Connect();
        return VectorFileName(connection);
    }

    /// <exception cref="LookalikeException">StoreCorrupt when the recorded name is not a vector file name.</exception>
    private string VectorFileName(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        string? name = GetMeta(connection, MetaVectorFile, transaction);
        if (name is null) return StoreFiles.FirstVectors;
        if (StoreFiles.VectorsNumber(name) is null)
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                $"Store {Location} names '{name}' as its vector file, which is not a vector file name (vectors.f32, vectors.N.f32). Run 'lookalike verify'.", Location);
        return name;
    }

    /// <summary>
    /// Removes vector files other than <paramref name="current"/>: those a compaction superseded (when a reader still
    /// had one open) or left half-written when interrupted. Only inside a write transaction, and not while a compaction
    /// holds the <see cref="CompactionLock"/> (the next file is its work in progress) unless <paramref name="held"/> is
    /// that compaction's own.
    /// </summary>
    private void RemoveLeftovers(string current, CompactionLock? held = null)
    {
        bool compacting = false;
        using var peeked = held is null ? CompactionLock.Peek(Location, out compacting) : null;
        if (compacting) return;
        foreach (string path in StoreFiles.VectorFiles(Location))
            if (Path.GetFileName(path) != current) VectorFileCompaction.TryDelete(path);
    }

    private CatalogItem ReadItem(SqliteDataReader reader, MappedVectors? vectors)
    {
        string id = reader.GetString(0);
        return new CatalogItem
        {
            Id = ItemId.Parse(id),
            Path = reader.GetString(1),
            ContentHash = reader.GetString(2),
            SizeBytes = reader.GetInt64(3),
            ModifiedUtc = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
            Metadata = MetadataJson.Deserialize(reader.GetString(5)),
            Model = new ModelId(reader.GetString(6)),
            Vector = vectors is not null ? ReadVector(vectors, reader.GetInt64(8), reader.GetInt32(7), id) : ReadOnlyMemory<float>.Empty,
            Generation = reader.GetInt64(9),
        };
    }

    private float[] ReadVector(MappedVectors vectors, long row, int dimension, string id)
    {
        if (dimension != vectors.Dimension)
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                $"Item '{id}' is recorded as {dimension}-d, but {vectors.Path} holds {vectors.Dimension}-d vectors. Run 'lookalike verify'.", Location);
        return vectors.Row(row).ToArray();
    }

    private SqliteConnection Connect() => _database.Connect();

    private void Write(Action<SqliteConnection> action) => _database.Write(action);

    private static long NextGeneration(SqliteConnection connection)
    {
        long next = (long.TryParse(GetMeta(connection, MetaGeneration), NumberStyles.Integer, CultureInfo.InvariantCulture, out long g) ? g : 0) + 1;
        SetMeta(connection, MetaGeneration, next.ToString(CultureInfo.InvariantCulture));
        NewNonce(connection);
        return next;
    }

    /// <summary>
    /// A new generation nonce. The counter alone does not tell two copies of a store apart once each was written, nor a
    /// compacted store from the one before; derived caches that must be of this exact state (the row-id file) check the nonce too.
    /// </summary>
    private static long NewNonce(SqliteConnection connection)
    {
        long nonce = Random.Shared.NextInt64(1, long.MaxValue);
        SetMeta(connection, MetaGenerationNonce, nonce.ToString(CultureInfo.InvariantCulture));
        return nonce;
    }

    private string? GetMeta(string key)
    {
        using var connection = Connect();
        return GetMeta(connection, key);
    }

    private static string? GetMeta(SqliteConnection connection, string key, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT value FROM store_meta WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return command.ExecuteScalar() as string;
    }

    private static void SetMeta(SqliteConnection connection, string key, string value)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO store_meta (key, value) VALUES ($key, $value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
