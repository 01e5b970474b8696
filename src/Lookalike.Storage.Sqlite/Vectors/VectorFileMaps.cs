using Lookalike.Core.Errors;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// The vector files one store object has mapped for reading items (<c>Find</c>, <c>ReadAll</c>), by name: each read
/// leases the file its snapshot names, so a read that began before a compaction keeps its file (unlinked or not) until it
/// ends, and a file older than the newest one leased is unmapped once its last lease ends. Thread-safe.
/// </summary>
internal sealed class VectorFileMaps : IDisposable
{
    internal sealed class Entry(string name, MappedVectors vectors)
    {
        public string Name { get; } = name;
        public MappedVectors Vectors { get; } = vectors;
        public int Users { get; set; }
    }

    private readonly string _directory;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _open = new(StringComparer.Ordinal);
    private long _newest = -1;
    private bool _disposed;

    public VectorFileMaps(string directory) => _directory = directory;

    /// <summary>The file <paramref name="name"/>, mapped; dispose the lease when done reading its rows.</summary>
    /// <exception cref="LookalikeException">StoreCorrupt (inner <see cref="FileNotFoundException"/> when the file is gone: see <see cref="IsGone"/>).</exception>
    public Lease Acquire(string name, int dimension)
    {
        long number = StoreFiles.VectorsNumber(name) ?? throw new ArgumentException($"'{name}' is not a vector file name.", nameof(name));
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_open.TryGetValue(name, out var entry))
            {
                entry = new Entry(name, MappedVectors.Open(Path.Combine(_directory, name), dimension));
                _open.Add(name, entry);
            }
            entry.Users++;
            if (number > _newest)
            {
                _newest = number;
                foreach (var old in _open.Values.Where(e => e.Users == 0 && e != entry).ToList()) Close(old);
            }
            return new Lease(this, entry);
        }
    }

    /// <summary>True when <paramref name="e"/> says a vector file is gone: a compaction switched files and removed the old one since the snapshot named it.</summary>
    public static bool IsGone(LookalikeException e) => e.InnerException is FileNotFoundException;

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var entry in _open.Values.ToList()) Close(entry);
        }
    }

    private void Release(Entry entry)
    {
        lock (_lock)
        {
            entry.Users--;
            if (entry.Users == 0 && (_disposed || StoreFiles.VectorsNumber(entry.Name) < _newest)) Close(entry);
        }
    }

    private void Close(Entry entry)
    {
        _open.Remove(entry.Name);
        entry.Vectors.Dispose();
    }

    /// <summary>One read's hold on a mapped file.</summary>
    internal sealed class Lease(VectorFileMaps owner, Entry entry) : IDisposable
    {
        private bool _released;

        public MappedVectors Vectors => entry.Vectors;

        public void Dispose()
        {
            if (_released) return;
            _released = true;
            owner.Release(entry);
        }
    }
}
