using System.IO.MemoryMappedFiles;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Lookalike.Core.Search;

namespace Lookalike.Search.USearch;

/// <summary>
/// A saved USearch index file (as <c>usearch_save</c> writes it, format major 2) memory-mapped and searched in place by
/// managed code: read-only, inner-product metric, f32, f16 or i8 vectors, 64-bit keys, 32-bit slots.
/// Opening parses the headers and sums the node levels per block of 16 nodes (2 bytes read per node, nothing written
/// per node, no key table: <see cref="HnswKeyFile"/> maps keys to items); a search is USearch's own walk — greedy
/// descent through the upper levels, then the ef-beam at level 0 with the same candidate heap and sorted top list,
/// neighbours in file order — so the same file and ef give the same answers (see <see cref="Search(ReadOnlySpan{float}, int, int, Func{ulong, bool}?, Span{ulong}, Span{float})"/>).
/// Thread-safe; each thread keeps its own pooled scratch (visited stamps, heaps). Dispose unmaps the file; no search may
/// run then.
/// </summary>
/// <remarks>
/// Layout, little-endian (USearch <c>index_dense_gt::save_to_stream</c> and <c>index_gt::save_to_stream</c>, unchanged
/// from 2.10 through 2.26):
/// <code>
/// u32 rows, u32 bytes per vector; rows × bytes: the vectors, by slot
/// 64-byte head: "usearch", u16 major, minor, patch, u8 metric ('i' = inner product), u8 scalar kind (11 f32,
///   12 f16, 23 i8), u8 key kind (14 = u64), u8 slot kind (15 = u32), u64 present, u64 deleted, u64 dimensions, u8 multi
/// 40 bytes: u64 nodes, connectivity (M), base connectivity (level 0), max level, entry slot
/// i16 level per node
/// nodes, by slot: u64 key, i16 level; level 0: u32 count + base-connectivity u32 slots; each level 1…L: u32 count + M u32 slots
/// </code>
/// </remarks>
internal sealed unsafe class MappedHnswGraph : IDisposable
{
    private const int HeadBytes = 64, GraphHeaderBytes = 40, BlockShift = 4;
    private const byte MetricIp = (byte)'i', ScalarF32 = 11, ScalarF16 = 12, ScalarI8 = 23, KindU64 = 14, KindU32 = 15;
    private const ulong FreeKey = ulong.MaxValue; // USearch's default_free_value: the key of a removed slot

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _accessor;
    private readonly byte* _base;
    private readonly byte* _vectors;
    private readonly short* _levels;
    private readonly byte* _nodes;
    private readonly uint[] _blockLevels; // Σ levels of the nodes before each block of 16 (pinned)
    private readonly uint* _blockLevelsPointer;
    private readonly long _vectorBytes, _node0Bytes, _levelBytes, _base0Offset;
    private readonly int _baseConnectivity, _connectivity, _maxLevel;
    private readonly uint _entry;
    private readonly bool _hasDeleted;

    private readonly string _kernel;

    private MappedHnswGraph(string path, MemoryMappedFile file, MemoryMappedViewAccessor accessor, byte* pointer, long length, int dimension, string kernel)
    {
        _kernel = kernel;
        _file = file;
        _accessor = accessor;
        _base = pointer;
        Path = path;
        FileBytes = length;
        Dimension = dimension;

        if (length < 8) throw Damaged(path, "shorter than its matrix header");
        uint rows = *(uint*)pointer, columns = *(uint*)(pointer + 4);
        long headAt = 8 + (long)rows * columns;
        if (headAt + HeadBytes + GraphHeaderBytes > length) throw Damaged(path, $"truncated: {length:N0} bytes cannot hold {rows:N0} vectors of {columns} bytes and the headers");
        byte* head = pointer + headAt;
        if (!new ReadOnlySpan<byte>(head, 7).SequenceEqual("usearch"u8)) throw Damaged(path, "not a USearch index (magic mismatch)");
        ushort major = *(ushort*)(head + 7), minor = *(ushort*)(head + 9), patch = *(ushort*)(head + 11);
        Version = $"{major}.{minor}.{patch}";
        if (major != 2) throw Damaged(path, $"written by USearch {Version}; this reader knows format 2");
        byte metric = head[13], scalar = head[14], keyKind = head[15], slotKind = head[16];
        ulong present = *(ulong*)(head + 17), deleted = *(ulong*)(head + 25), dimensions = *(ulong*)(head + 33);
        bool multi = head[41] != 0;
        if (metric != MetricIp) throw Damaged(path, $"metric '{(char)metric}', not inner product");
        DType = scalar switch
        {
            ScalarF32 => VectorDType.F32,
            ScalarF16 => VectorDType.F16,
            ScalarI8 => VectorDType.I8,
            _ => throw Damaged(path, $"scalar kind {scalar}, not f32, f16 or i8"),
        };
        if (keyKind != KindU64 || slotKind != KindU32 || multi) throw Damaged(path, $"key kind {keyKind} / slot kind {slotKind} / multi {multi}, not u64 / u32 / single");
        int elementBytes = DType switch { VectorDType.F32 => 4, VectorDType.F16 => 2, _ => 1 };
        if (dimensions != (ulong)dimension || columns != (ulong)dimension * (ulong)elementBytes)
            throw Damaged(path, $"holds {dimensions}-d vectors of {columns} bytes; the index is {dimension}-d {DType}");

        byte* graph = head + HeadBytes;
        ulong size = *(ulong*)graph, connectivity = *(ulong*)(graph + 8), baseConnectivity = *(ulong*)(graph + 16);
        ulong maxLevel = *(ulong*)(graph + 24), entry = *(ulong*)(graph + 32);
        if (size != rows || present + deleted != size) throw Damaged(path, $"{size:N0} nodes, {rows:N0} vectors, {present:N0} present + {deleted:N0} deleted");
        if (size > int.MaxValue) throw Damaged(path, $"{size:N0} nodes exceed what this reader addresses");
        Count = (int)present;
        Slots = (int)size;
        _vectors = pointer + 8;
        _vectorBytes = columns;
        _hasDeleted = deleted != 0;
        _blockLevels = GC.AllocateArray<uint>(((int)size >> BlockShift) + 1, pinned: true);
        _blockLevelsPointer = (uint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_blockLevels));
        if (size == 0) return; // USearch writes an empty graph's header with nothing after it

        if (connectivity is < 2 or > 1024 || baseConnectivity < connectivity || baseConnectivity > 4096 || maxLevel > 64 || entry >= size)
            throw Damaged(path, $"implausible graph header (M {connectivity}, base {baseConnectivity}, max level {maxLevel}, entry {entry} of {size:N0})");
        _connectivity = (int)connectivity;
        _baseConnectivity = (int)baseConnectivity;
        _maxLevel = (int)maxLevel;
        _entry = (uint)entry;
        long levelsAt = headAt + HeadBytes + GraphHeaderBytes;
        long nodesAt = levelsAt + 2 * (long)size;
        if (nodesAt > length) throw Damaged(path, $"truncated in the level table ({length:N0} bytes)");
        _levels = (short*)(pointer + levelsAt);
        _nodes = pointer + nodesAt;
        _base0Offset = 10; // u64 key + i16 level
        _node0Bytes = _base0Offset + 4 + 4 * (long)baseConnectivity;
        _levelBytes = 4 + 4 * (long)connectivity;

        // The only pass over nodes at open: 2 bytes each, summed per block of 16 (node offsets are a prefix sum of levels).
        long levels = 0;
        int n = (int)size;
        for (int block = 0; block <= (n - 1) >> BlockShift; block++)
        {
            _blockLevelsPointer[block] = (uint)levels;
            int end = Math.Min(n, (block + 1) << BlockShift);
            int sum = 0, worst = 0;
            for (int i = block << BlockShift; i < end; i++)
            {
                int level = _levels[i];
                sum += level;
                worst |= level;
            }
            if (worst < 0 || sum > 16 * _maxLevel) throw Damaged(path, $"level table out of range near node {block << BlockShift:N0}");
            levels += sum;
        }
        if (levels > uint.MaxValue) throw Damaged(path, "level table out of range");
        long end0 = nodesAt + (long)size * _node0Bytes + levels * _levelBytes;
        if (end0 > length) throw Damaged(path, $"truncated: {length:N0} bytes, its {size:N0} nodes need {end0:N0}");
    }

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>Items searchable (nodes less the removed ones).</summary>
    public int Count { get; }

    /// <summary>Nodes, removed ones included (slots run 0 … Slots − 1).</summary>
    public int Slots { get; }

    public int Dimension { get; }

    public VectorDType DType { get; }

    /// <summary>The USearch version that wrote the file (major.minor.patch).</summary>
    public string Version { get; }

    /// <summary>Length of the mapped file.</summary>
    public long FileBytes { get; }

    /// <summary>The first byte of the mapped file (for handing the bytes to USearch when the graph turns writable).</summary>
    public nint Pointer => (nint)_base;

    /// <summary>Managed bytes held beside the mapping (the block sums).</summary>
    public long MemoryBytes => _blockLevels.Length * 4L;

    /// <summary>Maps <paramref name="path"/> and checks its headers and length against a <paramref name="dimension"/>-d graph.</summary>
    /// <exception cref="InvalidDataException">Not a USearch index this reader reads, or truncated; the message names the file.</exception>
    /// <param name="kernel">The kernel USearch picks for this dtype on this CPU (<c>usearch_hardware_acceleration</c>):
    /// for "skylake" and "haswell" the float16 sums follow NumKong's order bit for bit.</param>
    public static MappedHnswGraph Open(string path, int dimension, string kernel)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? accessor = null;
        bool acquired = false;
        try
        {
            long length = stream.Length;
            if (length < 8) throw Damaged(path, $"truncated ({length} bytes)");
            file = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            accessor = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            return new MappedHnswGraph(path, file, accessor, pointer + accessor.PointerOffset, length, dimension, kernel);
        }
        catch
        {
            if (acquired) accessor!.SafeMemoryMappedViewHandle.ReleasePointer();
            accessor?.Dispose();
            if (file is not null) file.Dispose();
            else stream.Dispose();
            throw;
        }
    }

    private static InvalidDataException Damaged(string path, string what) => new($"HNSW graph file {path} is unreadable: {what}.");

    /// <summary>The key stored in <paramref name="slot"/> (<see cref="ulong.MaxValue"/> for a removed node).</summary>
    public ulong KeyAt(int slot) => *(ulong*)Node((uint)slot);

    /// <summary>Writes <paramref name="slot"/>'s vector as USearch's <c>usearch_get</c> reads it back as float32.</summary>
    public void Decode(int slot, Span<float> output)
    {
        byte* row = _vectors + slot * _vectorBytes;
        switch (DType)
        {
            case VectorDType.F32: new ReadOnlySpan<float>(row, Dimension).CopyTo(output); break;
            case VectorDType.F16:
                for (int i = 0; i < Dimension; i++) output[i] = (float)BitConverter.UInt16BitsToHalf(((ushort*)row)[i]);
                break;
            default:
                for (int i = 0; i < Dimension; i++) output[i] = ((sbyte*)row)[i] * (1f / 127f); // as usearch_get decodes int8 (×1/127, not ÷127: the last bit differs)
                break;
        }
    }

    /// <summary>Every slot's key, by slot: one pass over the nodes (for the rare key → slot lookups of a viewed graph).</summary>
    public ulong[] ReadKeys()
    {
        var keys = new ulong[Slots];
        byte* node = _nodes;
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = *(ulong*)node;
            node += _node0Bytes + _levels[i] * _levelBytes;
        }
        return keys;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* Node(uint slot)
    {
        long levels = _blockLevelsPointer[slot >> BlockShift];
        short* level = _levels + (slot & ~((1u << BlockShift) - 1));
        for (uint i = 0, n = slot & ((1u << BlockShift) - 1); i < n; i++) levels += level[i];
        return _nodes + slot * _node0Bytes + levels * _levelBytes;
    }

    /// <summary>
    /// The <paramref name="wanted"/> nearest present items to <paramref name="query"/> (distance 1 − dot, ascending) that
    /// <paramref name="allow"/> admits (null: all), with a beam of max(<paramref name="ef"/>, wanted) at level 0.
    /// Returns how many were written to <paramref name="keys"/> and <paramref name="distances"/>.
    /// </summary>
    /// <remarks>
    /// The walk is USearch 2.x's <c>search_for_one_</c> + <c>search_to_find_in_base_</c> step for step (same heap, same
    /// tie order, same neighbour order, the predicate applied to the top list only), so an int8 graph — whose
    /// distances are exact integers — answers with the very keys and distances of <c>usearch_search</c>; so do f16 graphs where USearch runs
    /// NumKong's "skylake" or "haswell" kernels, whose float summation order <see cref="HnswKernels"/> repeats. An f32
    /// graph sums in float where USearch sums in double (a third faster), so a distance may differ in its last bit
    /// and flip a near-tie; so may f16 under another native kernel. What is added: prefetching of the next vectors and neighbour lists, and a visited set of
    /// generation stamps instead of a hash set.
    /// </remarks>
    public int Search(ReadOnlySpan<float> query, int wanted, int ef, Func<ulong, bool>? allow, Span<ulong> keys, Span<float> distances) =>
        Search(query, wanted, ef, allow, keys, distances, []);

    /// <summary>
    /// The slot holding <paramref name="key"/>, found by walking the graph towards <paramref name="vector"/> (the item's
    /// own full-precision vector: its node is then among the nearest), or -1 when the walk does not meet it.
    /// Touches a few hundred nodes where a key → slot table would read them all.
    /// </summary>
    public int FindSlot(ReadOnlySpan<float> vector, ulong key, int ef)
    {
        const int Wanted = 16;
        Span<ulong> keys = stackalloc ulong[Wanted];
        Span<float> distances = stackalloc float[Wanted];
        Span<int> slots = stackalloc int[Wanted];
        int found = Search(vector, Wanted, Math.Max(ef, Wanted), null, keys, distances, slots);
        for (int i = 0; i < found; i++)
            if (keys[i] == key) return slots[i];
        return -1;
    }

    private int Search(ReadOnlySpan<float> query, int wanted, int ef, Func<ulong, bool>? allow, Span<ulong> keys, Span<float> distances, Span<int> slots)
    {
        if (query.Length != Dimension) throw new ArgumentException($"Query has {query.Length} values; the graph holds {Dimension}-d vectors.", nameof(query));
        if (Slots == 0 || wanted <= 0) return 0;
        var scratch = Scratch.For(Slots, Dimension);
        switch (DType)
        {
            case VectorDType.I8:
                HnswKernels.QuantizeI8(query, new Span<sbyte>(scratch.QueryI8, Dimension));
                for (int i = 0; i < Dimension; i++) scratch.AbsQueryI8[i] = (byte)Math.Abs(scratch.QueryI8[i]);
                return Walk(new I8Distance(scratch.QueryI8, scratch.AbsQueryI8, Dimension), scratch, wanted, ef, allow, keys, distances, slots);
            case VectorDType.F16:
                // USearch casts the query to f16 first; so do we (round to nearest even, as F16C does).
                for (int i = 0; i < Dimension; i++) scratch.QueryF32[i] = (float)(Half)query[i];
                if (_kernel == "skylake" && Vector512.IsHardwareAccelerated)
                    return Walk(new F16SkylakeDistance(scratch.QueryF32, Dimension), scratch, wanted, ef, allow, keys, distances, slots);
                if (_kernel == "haswell" && Vector256.IsHardwareAccelerated)
                    return Walk(new F16HaswellDistance(scratch.QueryF32, Dimension), scratch, wanted, ef, allow, keys, distances, slots);
                return Walk(new F16Distance(scratch.QueryF32, Dimension), scratch, wanted, ef, allow, keys, distances, slots);
            default:
                query.CopyTo(new Span<float>(scratch.QueryF32, Dimension));
                return Walk(new F32Distance(scratch.QueryF32, Dimension), scratch, wanted, ef, allow, keys, distances, slots);
        }
    }

    private int Walk<TDistance>(TDistance metric, Scratch scratch, int wanted, int ef, Func<ulong, bool>? allow, Span<ulong> keys, Span<float> distances, Span<int> slots)
        where TDistance : struct, IDistance
    {
        int limit = Math.Max(ef, wanted);
        uint slotCount = (uint)Slots;

        // Greedy descent through the upper levels (no visited set: USearch keeps none here either).
        uint closest = _entry;
        float closestDistance = metric.Distance(Vector(closest));
        for (int level = _maxLevel; level > 0; level--)
        {
            bool changed;
            do
            {
                changed = false;
                byte* node = Node(closest);
                if (*(short*)(node + 8) < level) break; // a damaged file: never read past the node
                uint* neighbours = (uint*)(node + _node0Bytes + (level - 1) * _levelBytes);
                uint count = Math.Min(*neighbours, (uint)_connectivity);
                for (uint j = 1; j <= count; j++) Sse.Prefetch0(Vector(Math.Min(neighbours[j], slotCount - 1)));
                for (uint j = 1; j <= count; j++)
                {
                    uint candidate = neighbours[j];
                    if (candidate >= slotCount) continue;
                    float distance = metric.Distance(Vector(candidate));
                    if (distance < closestDistance)
                    {
                        closestDistance = distance;
                        closest = candidate;
                        changed = true;
                    }
                }
            } while (changed);
        }

        // The ef-beam at level 0.
        ushort stamp = scratch.NextStamp();
        ushort* visited = scratch.Visited;
        var next = new CandidateHeap(scratch);
        scratch.EnsureTop(limit);
        var top = new TopList(scratch.Top, limit);
        bool filtered = allow is not null || _hasDeleted;
        visited[closest] = stamp;
        float radius = closestDistance;
        next.Push(-radius, closest);
        if (!filtered || Allowed(closest, allow)) top.Insert(radius, closest);
        uint* fresh = scratch.Fresh;
        float* freshDistances = scratch.FreshDistances;
        while (next.Count > 0)
        {
            Candidate candidate = next.Top;
            if (-candidate.Distance > radius && top.Count == limit) break;
            next.Pop();
            uint* neighbours = (uint*)(Node(candidate.Slot) + _base0Offset);
            uint count = Math.Min(*neighbours, (uint)_baseConnectivity);
            // Unvisited neighbours first (marking them is what USearch does one by one), their vectors prefetched.
            int freshCount = 0;
            for (uint j = 1; j <= count; j++)
            {
                uint successor = neighbours[j];
                if (successor >= slotCount || visited[successor] == stamp) continue;
                visited[successor] = stamp;
                fresh[freshCount++] = successor;
                Sse.Prefetch0(Vector(successor));
            }
            if (next.Count > 0) Sse.Prefetch0(Node(next.Top.Slot) + _base0Offset);
            // Distances first, four rows at a time (independent sums that overlap; each as the one-row kernel gives it),
            // then the heap and top list take them in neighbour order, exactly as one at a time would.
            int grouped = freshCount & ~3;
            for (int j = 0; j < grouped; j += 4)
                metric.Distance4(Vector(fresh[j]), Vector(fresh[j + 1]), Vector(fresh[j + 2]), Vector(fresh[j + 3]), freshDistances + j);
            for (int j = grouped; j < freshCount; j++) freshDistances[j] = metric.Distance(Vector(fresh[j]));
            for (int j = 0; j < freshCount; j++)
            {
                uint successor = fresh[j];
                float distance = freshDistances[j];
                if (top.Count < limit || distance < radius)
                {
                    next.Push(-distance, successor);
                    if (!filtered || Allowed(successor, allow))
                    {
                        top.Insert(distance, successor);
                        radius = top.Last.Distance;
                    }
                }
            }
        }

        int found = Math.Min(top.Count, wanted);
        for (int i = 0; i < found; i++)
        {
            keys[i] = *(ulong*)Node(scratch.Top[i].Slot);
            if (!slots.IsEmpty) slots[i] = (int)scratch.Top[i].Slot;
            distances[i] = scratch.Top[i].Distance;
        }
        return found;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Allowed(uint slot, Func<ulong, bool>? allow)
    {
        ulong key = *(ulong*)Node(slot);
        return key != FreeKey && (allow is null || allow(key));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* Vector(uint slot) => _vectors + slot * _vectorBytes;

    public void Dispose()
    {
        _accessor.SafeMemoryMappedViewHandle.ReleasePointer();
        _accessor.Dispose();
        _file.Dispose();
    }

    private interface IDistance
    {
        float Distance(byte* vector);

        /// <summary>The distances to four rows into <paramref name="distances"/>[0…3], each equal to <see cref="Distance"/>'s.</summary>
        void Distance4(byte* v0, byte* v1, byte* v2, byte* v3, float* distances);
    }

    /// <summary><see cref="IDistance.Distance4"/> for a kernel without a four-row form: one row after another.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OneByOne<TDistance>(in TDistance metric, byte* v0, byte* v1, byte* v2, byte* v3, float* distances)
        where TDistance : struct, IDistance
    {
        distances[0] = metric.Distance(v0);
        distances[1] = metric.Distance(v1);
        distances[2] = metric.Distance(v2);
        distances[3] = metric.Distance(v3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DistancesFromDots(float* values)
    {
        for (int k = 0; k < 4; k++) values[k] = 1f - values[k];
    }

    private readonly struct F32Distance(float* query, int dimension) : IDistance
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Distance(byte* vector) => 1f - HnswKernels.DotF32(query, (float*)vector, dimension);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Distance4(byte* v0, byte* v1, byte* v2, byte* v3, float* distances)
        {
            HnswKernels.DotF32x4(query, (float*)v0, (float*)v1, (float*)v2, (float*)v3, dimension, distances);
            DistancesFromDots(distances);
        }
    }

    private readonly struct F16SkylakeDistance(float* query, int dimension) : IDistance
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Distance(byte* vector) => 1f - HnswKernels.DotF16Skylake(query, (ushort*)vector, dimension);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Distance4(byte* v0, byte* v1, byte* v2, byte* v3, float* distances)
        {
            HnswKernels.DotF16Skylake4(query, (ushort*)v0, (ushort*)v1, (ushort*)v2, (ushort*)v3, dimension, distances);
            DistancesFromDots(distances);
        }
    }

    private readonly struct F16HaswellDistance(float* query, int dimension) : IDistance
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Distance(byte* vector) => 1f - HnswKernels.DotF16Haswell(query, (ushort*)vector, dimension);

        public void Distance4(byte* v0, byte* v1, byte* v2, byte* v3, float* distances) => OneByOne(this, v0, v1, v2, v3, distances);
    }

    private readonly struct F16Distance(float* query, int dimension) : IDistance
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Distance(byte* vector) => 1f - HnswKernels.DotF16(query, (ushort*)vector, dimension);

        public void Distance4(byte* v0, byte* v1, byte* v2, byte* v3, float* distances) => OneByOne(this, v0, v1, v2, v3, distances);
    }

    private readonly struct I8Distance(sbyte* query, byte* absQuery, int dimension) : IDistance
    {
        // USearch's int8 inner product is the raw integer dot (exact in float32 below 2²⁴), distance 1 − dot.
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public float Distance(byte* vector) => 1f - HnswKernels.DotI8(query, absQuery, (sbyte*)vector, dimension);

        public void Distance4(byte* v0, byte* v1, byte* v2, byte* v3, float* distances) => OneByOne(this, v0, v1, v2, v3, distances);
    }

    private struct Candidate
    {
        public float Distance;
        public uint Slot;
    }

    /// <summary>USearch's <c>max_heap_gt</c> (by distance; entries are negated distances), same sift order so ties pop alike.</summary>
    private ref struct CandidateHeap(Scratch scratch)
    {
        private Candidate[] _items = scratch.Next;
        public int Count;

        public readonly Candidate Top => _items[0];

        public void Push(float distance, uint slot)
        {
            if (Count == _items.Length) scratch.Next = _items = GrowCopy(_items, Count);
            var items = _items;
            int i = Count++;
            items[i] = new Candidate { Distance = distance, Slot = slot };
            while (i > 0)
            {
                int parent = (i - 1) >> 1;
                if (!(items[parent].Distance < items[i].Distance)) break;
                (items[parent], items[i]) = (items[i], items[parent]);
                i = parent;
            }
        }

        public void Pop()
        {
            var items = _items;
            Count--;
            items[0] = items[Count];
            int i = 0;
            while (true)
            {
                int max = i, left = 2 * i + 1, right = left + 1;
                if (left < Count && items[max].Distance < items[left].Distance) max = left;
                if (right < Count && items[max].Distance < items[right].Distance) max = right;
                if (max == i) break;
                (items[i], items[max]) = (items[max], items[i]);
                i = max;
            }
        }

        private static Candidate[] GrowCopy(Candidate[] items, int count)
        {
            var grown = new Candidate[items.Length * 2];
            Array.Copy(items, grown, count);
            return grown;
        }
    }

    /// <summary>USearch's <c>sorted_buffer_gt</c>: ascending, a new entry goes before equal ones, the worst drops out at the limit.</summary>
    private ref struct TopList(Candidate[] items, int limit)
    {
        public int Count;

        public readonly Candidate Last => items[Count - 1];

        public void Insert(float distance, uint slot)
        {
            int low = 0, high = Count;
            while (low < high)
            {
                int middle = (low + high) >> 1;
                if (items[middle].Distance < distance) low = middle + 1;
                else high = middle;
            }
            if (low == limit) return;
            int last = Count == limit ? Count - 1 : Count;
            Array.Copy(items, low, items, low + 1, last - low);
            items[low] = new Candidate { Distance = distance, Slot = slot };
            if (Count < limit) Count++;
        }
    }

    /// <summary>One thread's pooled search state, grown to the largest graph and ef it has walked.</summary>
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? t_current;

        private ushort[] _visited = [];
        private ushort _stamp;
        public ushort* Visited;
        public Candidate[] Next = new Candidate[256];
        public Candidate[] Top = new Candidate[256];
        private readonly uint[] _fresh = GC.AllocateArray<uint>(4096, pinned: true);
        private readonly float[] _freshDistances = GC.AllocateArray<float>(4096, pinned: true);
        public readonly uint* Fresh;
        public readonly float* FreshDistances;
        private float[] _queryF32 = [];
        private sbyte[] _queryI8 = [];
        private byte[] _absQueryI8 = [];
        public float* QueryF32;
        public sbyte* QueryI8;
        public byte* AbsQueryI8;

        private Scratch()
        {
            Fresh = (uint*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_fresh));
            FreshDistances = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_freshDistances));
        }

        public static Scratch For(int slots, int dimension)
        {
            var scratch = t_current ??= new Scratch();
            if (scratch._visited.Length < slots)
            {
                scratch._visited = GC.AllocateArray<ushort>(slots, pinned: true);
                scratch.Visited = (ushort*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(scratch._visited));
                scratch._stamp = 0;
            }
            if (scratch._queryF32.Length < dimension)
            {
                scratch._queryF32 = GC.AllocateArray<float>(dimension, pinned: true);
                scratch._queryI8 = GC.AllocateArray<sbyte>(dimension, pinned: true);
                scratch._absQueryI8 = GC.AllocateArray<byte>(dimension, pinned: true);
                scratch.QueryF32 = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(scratch._queryF32));
                scratch.QueryI8 = (sbyte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(scratch._queryI8));
                scratch.AbsQueryI8 = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(scratch._absQueryI8));
            }
            return scratch;
        }

        public ushort NextStamp()
        {
            if (++_stamp == 0)
            {
                Array.Clear(_visited);
                _stamp = 1;
            }
            return _stamp;
        }

        public void EnsureTop(int limit)
        {
            if (Top.Length < limit + 1) Top = new Candidate[Math.Max(limit + 1, Top.Length * 2)];
        }
    }
}
