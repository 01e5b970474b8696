using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Hosting.Serving;

/// <summary>
/// JPEG thumbnails of catalog photos, keyed by content hash and size so a changed photo never shows a stale one.
/// Two levels: a bounded in-memory LRU, and for the standard sizes (<see cref="DiskSizes"/>) files under
/// <c>&lt;store&gt;/cache/thumbnails/&lt;size&gt;/</c>, a derived cache that may be deleted at any time. Other sizes are
/// kept in memory only, so clients cannot fill the disk by asking for every size. Thread-safe.
/// </summary>
public sealed class ThumbnailCache
{
    /// <summary>Sizes (longest side, pixels) that are also cached on disk.</summary>
    public static IReadOnlySet<int> DiskSizes { get; } = new HashSet<int> { 64, 128, 256, 512, 1024 };

    private readonly IImageDecoder _decoder;
    private readonly PhotoFiles? _photos;
    private readonly string? _diskFolder;
    private readonly long _memoryBudget;
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Hash, int Size), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private long _memoryBytes;
    private long _memoryHits, _diskHits, _made;

    private sealed record Entry((string Hash, int Size) Key, byte[] Jpeg);

    /// <param name="decoder">Makes the thumbnails (its limits apply to the source photos).</param>
    /// <param name="diskFolder">Folder of the disk cache, or null for memory only.</param>
    /// <param name="memoryBudgetBytes">Most bytes of thumbnails kept in memory; 0 disables the memory level.</param>
    /// <param name="photos">Which photo files may be read (real path inside the catalog); null: the item's path as stored.</param>
    public ThumbnailCache(IImageDecoder decoder, string? diskFolder, long memoryBudgetBytes, PhotoFiles? photos = null)
    {
        _photos = photos;
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentOutOfRangeException.ThrowIfNegative(memoryBudgetBytes);
        _decoder = decoder;
        _diskFolder = diskFolder;
        _memoryBudget = memoryBudgetBytes;
    }

    /// <summary>Thumbnails served from memory and from disk since start, and thumbnails made.</summary>
    public (long Memory, long Disk, long Made) Hits => (Interlocked.Read(ref _memoryHits), Interlocked.Read(ref _diskHits), Interlocked.Read(ref _made));

    /// <summary>The JPEG thumbnail of <paramref name="item"/>'s photo, longest side at most <paramref name="maxSide"/>.</summary>
    /// <exception cref="LookalikeException">NotFound when the photo file is gone; the decoder's kinds when it cannot be read.</exception>
    public byte[] Get(CatalogItem item, int maxSide) => TryGetCached(item, maxSide, out var jpeg) ? jpeg : Make(item, maxSide);

    /// <summary>The thumbnail when it is in memory or on disk (no decode); false when it would have to be made.</summary>
    public bool TryGetCached(CatalogItem item, int maxSide, out byte[] jpeg)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        var key = (item.ContentHash, maxSide);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _recency.Remove(node);
                _recency.AddFirst(node);
                Interlocked.Increment(ref _memoryHits);
                jpeg = node.Value.Jpeg;
                return true;
            }
        }
        if (DiskPath(item, maxSide) is { } diskPath && TryRead(diskPath) is { } stored)
        {
            Interlocked.Increment(ref _diskHits);
            Remember(key, stored);
            jpeg = stored;
            return true;
        }
        jpeg = [];
        return false;
    }

    /// <summary>Decodes the photo and makes the thumbnail (the costly part), then caches it.</summary>
    /// <exception cref="LookalikeException">NotFound when the photo file is gone; the decoder's kinds when it cannot be read.</exception>
    public byte[] Make(CatalogItem item, int maxSide)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        byte[] jpeg = _decoder.EncodeThumbnail(ReadPhoto(item), item.Id.Value, maxSide);
        Interlocked.Increment(ref _made);
        if (DiskPath(item, maxSide) is { } diskPath) TryWrite(diskPath, jpeg);
        Remember((item.ContentHash, maxSide), jpeg);
        return jpeg;
    }

    private string? DiskPath(CatalogItem item, int maxSide) =>
        _diskFolder is not null && DiskSizes.Contains(maxSide) && item.ContentHash.Length >= 8
            ? Path.Combine(_diskFolder, maxSide.ToString(System.Globalization.CultureInfo.InvariantCulture), item.ContentHash[..2], item.ContentHash + ".jpg")
            : null;

    private void Remember((string, int) key, byte[] jpeg)
    {
        if (jpeg.Length > _memoryBudget) return;
        lock (_lock)
        {
            if (_entries.ContainsKey(key)) return;
            var node = _recency.AddFirst(new Entry(key, jpeg));
            _entries[key] = node;
            _memoryBytes += jpeg.Length;
            while (_memoryBytes > _memoryBudget && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _entries.Remove(oldest.Value.Key);
                _memoryBytes -= oldest.Value.Jpeg.Length;
            }
        }
    }

    private byte[] ReadPhoto(CatalogItem item)
    {
        try
        {
            return File.ReadAllBytes(_photos?.Resolve(item) ?? item.Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw LookalikeException.NotFound(item.Id.Value, $"The photo of item '{item.Id}' is no longer where it was indexed.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LookalikeException(LookalikeErrorKind.IoFailure, $"Cannot read the photo of item '{item.Id}'.", item.Id.Value, e);
        }
    }

    private static byte[]? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Best effort: a read-only store still serves thumbnails, it just makes them again after a restart.
    private static void TryWrite(string path, byte[] jpeg)
    {
        string temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(temporary, jpeg);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
