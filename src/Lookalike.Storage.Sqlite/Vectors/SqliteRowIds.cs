using System.Runtime.InteropServices;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// The row ↔ item map of a store's vector file without an id string in memory per item: at open, one pass over
/// <c>(rowid, id, vector_row)</c> keeps, per vector row, the item's SQLite rowid and a 64-bit hash of its id (integers
/// only; the strings are dropped as read, never validated or put in a dictionary). A row's id is decoded when asked,
/// by a point query on its rowid, and confirmed against the hash, so a row whose item another writer removed, moved, or
/// whose rowid a new item took is reported dead rather than mis-mapped. An id's row is found through an open-addressing
/// table of the hashes. Decoded ids are cached; past <see cref="BulkAfter"/> of them (a selective filter decodes many)
/// every id is decoded in one pass instead of one query each. Thread-safe.
/// </summary>
internal sealed class SqliteRowIds : IRowIds
{
    /// <summary>Point decodes after which the rest are read in one pass (settable for tests).</summary>
    internal int BulkAfter { get; set; } = 65_536;

    private readonly StoreDatabase _database;
    private readonly long[] _rowidOf;     // per row: the item's SQLite rowid
    private readonly ulong[] _live;       // per row, one bit: an item referred to it in the snapshot
    private readonly ulong[] _hashOf;     // per row: IdHash of the item's id
    private readonly int[] _slots;        // open addressing by hash: row + 1, 0 empty
    private readonly Lock _lock = new();
    private readonly Dictionary<int, ItemId?> _decoded = [];
    private ItemId?[]? _all;
    private SqliteConnection? _connection;
    private SqliteCommand? _byRowid;
    private bool _disposed;

    private SqliteRowIds(StoreDatabase database, long[] rowidOf, ulong[] hashOf, ulong[] liveBits, int live)
    {
        _database = database;
        _rowidOf = rowidOf;
        _live = liveBits;
        _hashOf = hashOf;
        LiveCount = live;
        _slots = new int[Math.Max(16, (int)Math.Min(1 << 30, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, live) * 2)))];
        for (int row = 0; row < rowidOf.Length; row++)
        {
            if (!IsLive(row)) continue;
            int mask = _slots.Length - 1;
            int slot = (int)(hashOf[row] & (uint)mask);
            while (_slots[slot] != 0) slot = (slot + 1) & mask;
            _slots[slot] = row + 1;
        }
    }

    /// <summary>
    /// Reads the map of <paramref name="count"/> rows inside <paramref name="transaction"/> (the snapshot the rows were mapped in).
    /// </summary>
    /// <exception cref="LookalikeException">StoreCorrupt when an item refers to a row past the file's end or another item's row.</exception>
    public static SqliteRowIds Read(StoreDatabase database, SqliteConnection connection, SqliteTransaction transaction, int count, string vectorsPath)
    {
        var rowidOf = new long[count];
        var hashOf = new ulong[count];
        var liveBits = new ulong[(count + 63) / 64];
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
        return new SqliteRowIds(database, rowidOf, hashOf, liveBits, live);
    }

    public int Count => _rowidOf.Length;

    public int LiveCount { get; }

    public bool IsLive(int row) => (uint)row < (uint)_rowidOf.Length && (_live[row >> 6] & (1UL << row)) != 0;

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
        row = -1;
        ulong hash = IdHash(id.Value);
        int mask = _slots.Length - 1;
        int candidates = 0;
        for (int slot = (int)(hash & (uint)mask); _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            int candidate = _slots[slot] - 1;
            if (_hashOf[candidate] != hash) continue;
            if (candidates++ == 0) row = candidate;
            else return TryGetRowAmong(id, hash, out row);
        }
        return candidates == 1;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _byRowid?.Dispose();
            _connection?.Dispose();
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
        int mask = _slots.Length - 1;
        for (int slot = (int)(hash & (uint)mask); _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            row = _slots[slot] - 1;
            if (_hashOf[row] == hash && TryGetId(row, out var found) && found == id) return true;
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
        _byRowid.Parameters[0].Value = _rowidOf[row];
        return _byRowid.ExecuteScalar() is string value ? Confirmed(row, value) : null;
    }

    /// <summary>Every row's id in one pass; rows whose item moved or vanished since the snapshot stay null (and are decoded one by one).</summary>
    private ItemId?[] DecodeAll()
    {
        var all = new ItemId?[_rowidOf.Length];
        using var command = _connection!.CreateCommand();
        command.CommandText = "SELECT rowid, id, vector_row FROM items;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            long row = reader.GetInt64(2);
            if ((ulong)row < (ulong)all.Length && IsLive((int)row) && _rowidOf[row] == reader.GetInt64(0))
                all[row] = Confirmed((int)row, reader.GetString(1));
        }
        return all;
    }

    private ItemId? Confirmed(int row, string value) =>
        IdHash(value) == _hashOf[row] && ItemId.TryParse(value, out var id) ? id : null;
}
