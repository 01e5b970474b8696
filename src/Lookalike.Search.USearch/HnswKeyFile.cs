using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Text;
using Lookalike.Core.Catalog;

namespace Lookalike.Search.USearch;

/// <summary>
/// The HNSW cache's key ↔ item id map as a binary file read in place (<c>hnsw.keys.bin</c>): opening maps it and checks
/// its header and length, decoding nothing, so it costs the same at any size; an id is decoded when a search returns its
/// key, a key found by binary search over the ids when an item is written.
/// Layout (little-endian): magic <c>LKHKEYS\0</c>, int32 layout version, int32 0, int64 count, int64 id bytes; then the
/// keys (uint64, ascending); the offset of each id in the id bytes (int64, count + 1); the entries in id order (int32
/// positions, ids compared as UTF-8 bytes); the ids (UTF-8). Thread-safe for reading; dispose unmaps.
/// </summary>
internal sealed unsafe class HnswKeyFile : IDisposable
{
    private const int LayoutVersion = 1;
    private const int HeaderBytes = 32;
    private static ReadOnlySpan<byte> Magic => "LKHKEYS\0"u8;

    private readonly string _path;
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _accessor;
    private readonly ulong* _keys;
    private readonly long* _offsets;
    private readonly int* _byId;
    private readonly byte* _ids;
    private readonly long _idBytes;

    private HnswKeyFile(string path, MemoryMappedFile file, MemoryMappedViewAccessor accessor, byte* pointer, int count, long idBytes)
    {
        _path = path;
        _file = file;
        _accessor = accessor;
        Count = count;
        _idBytes = idBytes;
        _keys = (ulong*)(pointer + HeaderBytes);
        _offsets = (long*)(_keys + count);
        _byId = (int*)(_offsets + count + 1);
        _ids = (byte*)(_byId + count);
        MaxKey = count == 0 ? null : _keys[count - 1];
    }

    public int Count { get; }

    /// <summary>The largest key, null when empty (keys given later start above it).</summary>
    public ulong? MaxKey { get; }

    /// <summary>Writes <paramref name="entries"/> (ascending, distinct keys and ids) to <paramref name="path"/>.</summary>
    public static void Write(string path, IReadOnlyList<(ulong Key, ItemId Id)> entries)
    {
        int count = entries.Count;
        var encoded = new byte[count][];
        long idBytes = 0;
        for (int i = 0; i < count; i++)
        {
            if (i > 0 && entries[i].Key <= entries[i - 1].Key) throw new ArgumentException("Keys must ascend.", nameof(entries));
            encoded[i] = Encoding.UTF8.GetBytes(entries[i].Id.Value);
            idBytes += encoded[i].Length;
        }
        var byId = Enumerable.Range(0, count).ToArray();
        Array.Sort(byId, (a, b) => encoded[a].AsSpan().SequenceCompareTo(encoded[b]));

        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        using var writer = new BinaryWriter(stream); // little-endian
        writer.Write(Magic);
        writer.Write(LayoutVersion);
        writer.Write(0);
        writer.Write((long)count);
        writer.Write(idBytes);
        foreach (var (key, _) in entries) writer.Write(key);
        long offset = 0;
        writer.Write(offset);
        foreach (var bytes in encoded) writer.Write(offset += bytes.Length);
        foreach (int position in byId) writer.Write(position);
        foreach (var bytes in encoded) writer.Write(bytes);
    }

    /// <summary>Maps <paramref name="path"/> after checking its header and length.</summary>
    /// <exception cref="InvalidDataException">Not a key file of this layout, or truncated.</exception>
    public static HnswKeyFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? accessor = null;
        try
        {
            Span<byte> header = stackalloc byte[HeaderBytes];
            if (stream.Length < HeaderBytes || stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes || !header[..8].SequenceEqual(Magic))
                throw new InvalidDataException($"{path} is not an HNSW key file.");
            int version = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            if (version != LayoutVersion) throw new InvalidDataException($"{path} has key file layout {version}, this build reads {LayoutVersion}.");
            long count = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
            long idBytes = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
            if (count < 0 || count > Array.MaxLength || idBytes < 0 || idBytes > stream.Length
                || stream.Length != HeaderBytes + count * 8 + (count + 1) * 8 + count * 4 + idBytes)
                throw new InvalidDataException($"{path} is truncated or damaged (length {stream.Length:N0} for {count:N0} keys).");
            file = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            accessor = file.CreateViewAccessor(0, stream.Length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new HnswKeyFile(path, file, accessor, pointer + accessor.PointerOffset, (int)count, idBytes);
        }
        catch
        {
            accessor?.Dispose();
            if (file is not null) file.Dispose();
            else stream.Dispose();
            throw;
        }
    }

    /// <summary>The item of <paramref name="key"/>, decoded now; false when the file holds no such key.</summary>
    public bool TryGetId(ulong key, out ItemId id)
    {
        int position = PositionOf(key);
        if (position < 0)
        {
            id = default;
            return false;
        }
        id = IdAt(position);
        return true;
    }

    /// <summary>The key of <paramref name="id"/>; false when the file does not hold it.</summary>
    public bool TryGetKey(ItemId id, out ulong key)
    {
        int maxBytes = Encoding.UTF8.GetMaxByteCount(id.Value.Length);
        Span<byte> wanted = maxBytes <= 4096 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        wanted = wanted[..Encoding.UTF8.GetBytes(id.Value, wanted)];
        int low = 0, high = Count - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            int position = _byId[middle];
            int order = IdBytes(position).SequenceCompareTo(wanted);
            if (order == 0)
            {
                key = _keys[position];
                return true;
            }
            if (order < 0) low = middle + 1;
            else high = middle - 1;
        }
        key = 0;
        return false;
    }

    /// <summary>Every entry, ascending by key (decodes every id: for the rare whole-map walks, not for opening).</summary>
    public IEnumerable<(ulong Key, ItemId Id)> Entries()
    {
        for (int i = 0; i < Count; i++) yield return (KeyAt(i), IdAt(i));
    }

    public void Dispose()
    {
        _accessor.SafeMemoryMappedViewHandle.ReleasePointer();
        _accessor.Dispose();
        _file.Dispose();
    }

    private ulong KeyAt(int position) => _keys[position];

    private int PositionOf(ulong key)
    {
        // Keys are given densely from 0 at build, so the key is usually its own position.
        if (key < (ulong)Count && _keys[key] == key) return (int)key;
        int low = 0, high = Count - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) >> 1);
            ulong at = _keys[middle];
            if (at == key) return middle;
            if (at < key) low = middle + 1;
            else high = middle - 1;
        }
        return -1;
    }

    private ReadOnlySpan<byte> IdBytes(int position)
    {
        long start = _offsets[position], end = _offsets[position + 1];
        if (start < 0 || end < start || end > _idBytes || end - start > ItemId.MaxLength * 3)
            throw new InvalidDataException($"{_path} is damaged (id {position:N0} lies outside its id bytes).");
        return new ReadOnlySpan<byte>(_ids + start, (int)(end - start));
    }

    private ItemId IdAt(int position)
    {
        string text = Encoding.UTF8.GetString(IdBytes(position));
        return ItemId.TryParse(text, out var id) ? id : throw new InvalidDataException($"{_path} is damaged (key {_keys[position]} has no valid item id).");
    }
}
