using System.Runtime.InteropServices;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// The row ↔ item map of a store's vector file without an id string in memory per item: per vector row, the item's
/// SQLite rowid and a 64-bit hash of its id (a <see cref="RowIdTable"/>, integers only), read from the row-id file when it
/// is this snapshot's (<see cref="RowIdsFile"/>) or by one pass over <c>(rowid, id, vector_row)</c>. A row's id is decoded
/// when asked, by a point query on its rowid, and confirmed against the hash, so a row whose item another writer
/// removed or whose rowid a new item took is reported dead rather than mis-mapped (a row whose item moved elsewhere is
/// still that item's snapshot vector); even a stale table that passed its checks wrongly can lose a result or answer
/// with an item's older vector, never with another item's id. An id's row is found through the table's slots. Decoded ids are cached; past <see cref="BulkAfter"/> of them (a selective filter decodes
/// many) every id is decoded in one pass instead of one query each. Thread-safe.
/// </summary>
internal sealed class SqliteRowIds : IRowIds
{
    /// <summary>Point decodes after which the rest are read in one pass (settable for tests).</summary>
    internal int BulkAfter { get; set; } = 65_536;

    private readonly StoreDatabase _database;
    private readonly RowIdTable _table;
    private readonly int _count;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, ItemId?> _decoded = [];
    private ItemId?[]? _all;
    private SqliteConnection? _connection;
    private SqliteCommand? _byRowid;
    private bool _disposed;

    /// <param name="database">Where ids are decoded.</param>
    /// <param name="table">The snapshot's rows (owned: disposed with this).</param>
    /// <param name="count">The mapped vector rows (rows past the table's are dead).</param>
    public SqliteRowIds(StoreDatabase database, RowIdTable table, int count)
    {
        _database = database;
        _table = table;
        _count = count;
    }

    /// <summary>Whether the table came from the row-id file (for tests and logs).</summary>
    internal bool FromFile { get; init; }

    /// <summary>
    /// Reads the table of <paramref name="count"/> rows inside <paramref name="transaction"/> (the snapshot the rows were mapped in).
    /// </summary>
    /// <exception cref="LookalikeException">StoreCorrupt when an item refers to a row past the file's end or another item's row.</exception>
    public static RowIdTable ReadTable(SqliteConnection connection, SqliteTransaction transaction, int count, string vectorsPath)
    {
        var rowidOf = new long[count];
        var hashOf = new ulong[count];
        var liveBits = new ulong[RowIdTable.LiveWords(count)];
        int live = 0;
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT rowid, id, vector_row FROM items;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            long rowid = reader.GetInt64(0);
            long row = reader.GetInt64(2);
            bool taken = (ulong)row < (ulong)count && (liveBits[row >> 6] & (1UL << (int)row)) != 0;
            if ((ulong)row >= (ulong)count || taken)
                throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                    $"Item '{reader.GetString(1)}' refers to row {row:N0} of {vectorsPath}, which has {count:N0} rows{(taken ? " and gives that row to another item" : "")}. Run 'lookalike verify'.", vectorsPath);
            liveBits[row >> 6] |= 1UL << (int)row;
            rowidOf[row] = rowid;
            hashOf[row] = IdHash(reader.GetString(1));
            live++;
        }
        return RowIdTable.FromArrays(rowidOf, hashOf, liveBits, live);
    }

    public int Count => _count;

    public int LiveCount => _table.LiveCount;

    public bool IsLive(int row) => _table.IsLive(row);

    public bool TryGetId(int row, out ItemId id)
    {
        id = default;
        if (!IsLive(row)) return false;
        if (Volatile.Read(ref _all) is { } all && all[row] is { } known)
        {
            id = known;
            return true;
        }
        ItemId? found;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_decoded.TryGetValue(row, out found))
            {
                found = Decode(row);
                _decoded[row] = found;
                if (_decoded.Count >= BulkAfter && _all is null) Volatile.Write(ref _all, DecodeAll());
            }
        }
        if (found is not { } f) return false;
        id = f;
        return true;
    }

    /// <remarks>
    /// The row whose id hash equals <paramref name="id"/>'s. Two live rows with the same 64-bit hash are told apart by
    /// decoding them; a single candidate is trusted without a query (ids are confirmed where a search returns them).
    /// </remarks>
    public bool TryGetRow(ItemId id, out int row)
    {
        ulong hash = IdHash(id.Value);
        Span<int> candidates = stackalloc int[4];
        int count = _table.Candidates(hash, candidates);
        row = count == 1 ? candidates[0] : -1;
        return count == 1 || (count > 1 && TryGetRowAmong(id, hash, out row));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _byRowid?.Dispose();
            _connection?.Dispose();
            _table.Dispose();
        }
    }

    /// <summary>A 64-bit hash of an id's UTF-16 code units (FNV-1a, then a SplitMix64 finish so every bit mixes).</summary>
    internal static ulong IdHash(string id)
    {
        ulong h = 14695981039346656037UL;
        foreach (ushort unit in MemoryMarshal.Cast<char, ushort>(id.AsSpan()))
        {
            h ^= unit;
            h *= 1099511628211UL;
        }
        h ^= (ulong)id.Length;
        h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 27)) * 0x94D049BB133111EBUL;
        return h ^ (h >> 31);
    }

    private bool TryGetRowAmong(ItemId id, ulong hash, out int row)
    {
        var candidates = new int[_table.Candidates(hash, [])];
        _table.Candidates(hash, candidates);
        foreach (int candidate in candidates)
        {
            if (TryGetId(candidate, out var found) && found == id)
            {
                row = candidate;
                return true;
            }
        }
        row = -1;
        return false;
    }

    /// <summary>The id at <paramref name="row"/>'s rowid now, if it is still the snapshot's (its hash matches); else null.</summary>
    private ItemId? Decode(int row)
    {
        if (_byRowid is null)
        {
            _connection = _database.Connect();
            _byRowid = _connection.CreateCommand();
            _byRowid.CommandText = "SELECT id FROM items WHERE rowid = $rowid;";
            _byRowid.Parameters.Add("$rowid", SqliteType.Integer);
            _byRowid.Prepare();
        }
        _byRowid.Parameters[0].Value = _table.RowidOf(row);
        return _byRowid.ExecuteScalar() is string value ? Confirmed(row, value) : null;
    }

    /// <summary>Every row's id in one pass; rows whose item moved or vanished since the snapshot stay null (and are decoded one by one).</summary>
    private ItemId?[] DecodeAll()
    {
        var all = new ItemId?[_count];
        using var command = _connection!.CreateCommand();
        command.CommandText = "SELECT rowid, id, vector_row FROM items;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            long row = reader.GetInt64(2);
            if ((ulong)row < (ulong)all.Length && IsLive((int)row) && _table.RowidOf((int)row) == reader.GetInt64(0))
                all[row] = Confirmed((int)row, reader.GetString(1));
        }
        return all;
    }

    private ItemId? Confirmed(int row, string value) =>
        IdHash(value) == _table.HashOf(row) && ItemId.TryParse(value, out var id) ? id : null;
}
