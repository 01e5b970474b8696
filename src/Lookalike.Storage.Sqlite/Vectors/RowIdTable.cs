using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Lookalike.Core.Errors;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// Per vector row of one store snapshot: a live bit, the item's SQLite rowid and a 64-bit hash of its id, plus an
/// open-addressing table of the live rows by hash. One block of memory laid out as the row-id file's body
/// (<see cref="RowIdsFile"/>), so the same table is built in memory from SQLite or used in place from the mapped file:
/// <code>
/// live bits  ulong[(rows + 63) / 64]
/// rowids     long[rows]
/// hashes     ulong[rows]
/// slots      int[slots]   row + 1, 0 empty; slots a power of two, at least twice the live rows
/// </code>
/// Read-only once built; the memory lives until <see cref="Dispose"/>.
/// </summary>
internal sealed unsafe class RowIdTable : IDisposable
{
    private readonly byte[]? _pinned;     // built in memory (pinned, so the pointers below stay valid)
    private readonly IDisposable? _mapping; // or the mapped file's view
    private readonly ulong* _live;
    private readonly long* _rowids;
    private readonly ulong* _hashes;
    private readonly int* _slots;

    private RowIdTable(byte* body, int rows, int live, int slots, byte[]? pinned, IDisposable? mapping)
    {
        Rows = rows;
        LiveCount = live;
        SlotCount = slots;
        _pinned = pinned;
        _mapping = mapping;
        _live = (ulong*)body;
        _rowids = (long*)(body + LiveWords(rows) * sizeof(ulong));
        _hashes = (ulong*)(_rowids + rows);
        _slots = (int*)(_hashes + rows);
    }

    /// <summary>Rows the table covers (rows past it were not referred to when it was made).</summary>
    public int Rows { get; }

    public int LiveCount { get; }

    public int SlotCount { get; }

    /// <summary>The body as bytes (for writing and checksumming it).</summary>
    public ReadOnlySpan<byte> Body => new(_live, checked((int)BodyBytes(Rows, SlotCount)));

    public static long LiveWords(int rows) => (rows + 63L) / 64;

    public static long BodyBytes(int rows, int slots) => (LiveWords(rows) + 2L * rows) * sizeof(ulong) + (long)slots * sizeof(int);

    /// <summary>The slot count for <paramref name="live"/> rows: a power of two at least twice it (probes stay short).</summary>
    public static int SlotsFor(int live) => (int)Math.Max(16, Math.Min(1 << 30, BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, live) * 2)));

    /// <summary>A table from per-row arrays read from the items (one pass); the slots are filled here.</summary>
    /// <exception cref="LookalikeException">StoreUnavailable when the table would not fit one array (over ~85M rows).</exception>
    public static RowIdTable FromArrays(long[] rowids, ulong[] hashes, ulong[] live, int liveCount)
    {
        int rows = rowids.Length;
        int slots = SlotsFor(liveCount);
        long bytes = BodyBytes(rows, slots);
        if (bytes > Array.MaxLength)
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"A store of {rows:N0} vector rows is too large for one index's row map ({bytes:N0} bytes).");
        var pinned = GC.AllocateArray<byte>((int)bytes, pinned: true);
        var body = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        var table = new RowIdTable(body, rows, liveCount, slots, pinned, mapping: null);
        MemoryMarshal.AsBytes(live.AsSpan()).CopyTo(new Span<byte>(table._live, live.Length * sizeof(ulong)));
        MemoryMarshal.AsBytes(rowids.AsSpan()).CopyTo(new Span<byte>(table._rowids, rows * sizeof(long)));
        MemoryMarshal.AsBytes(hashes.AsSpan()).CopyTo(new Span<byte>(table._hashes, rows * sizeof(ulong)));
        int mask = slots - 1;
        for (int row = 0; row < rows; row++)
        {
            if ((live[row >> 6] & (1UL << row)) == 0) continue;
            int slot = (int)(hashes[row] & (uint)mask);
            while (table._slots[slot] != 0) slot = (slot + 1) & mask;
            table._slots[slot] = row + 1;
        }
        return table;
    }

    /// <summary>A table over a mapped file's body (already checked); <paramref name="mapping"/> is released on dispose.</summary>
    public static RowIdTable Over(byte* body, int rows, int live, int slots, IDisposable mapping) => new(body, rows, live, slots, pinned: null, mapping);

    public bool IsLive(int row) => (uint)row < (uint)Rows && (_live[row >> 6] & (1UL << row)) != 0;

    public long RowidOf(int row) => _rowids[row];

    public ulong HashOf(int row) => _hashes[row];

    /// <summary>The live rows whose hash is <paramref name="hash"/>, in probe order.</summary>
    public int Candidates(ulong hash, Span<int> found)
    {
        int mask = SlotCount - 1;
        int count = 0;
        // At most SlotCount probes: a table without an empty slot (never written so) still ends.
        for (int probe = 0, slot = (int)(hash & (uint)mask); probe < SlotCount && _slots[slot] != 0; probe++, slot = (slot + 1) & mask)
        {
            int row = _slots[slot] - 1;
            if ((uint)row >= (uint)Rows || _hashes[row] != hash || !IsLive(row)) continue;
            if (count < found.Length) found[count] = row;
            count++;
        }
        return count;
    }

    public void Dispose()
    {
        _mapping?.Dispose();
        GC.KeepAlive(_pinned);
    }
}
