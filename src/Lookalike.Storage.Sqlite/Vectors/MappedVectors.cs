using System.IO.MemoryMappedFiles;
using Lookalike.Core.Errors;
using Lookalike.Core.Vectors;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// A vector file mapped read-only into memory: rows are read in place, never copied into managed arrays first. When a
/// row past the mapped ones is asked for (the file grew since), the file is mapped again; earlier maps stay until
/// <see cref="Dispose"/>, so spans handed out stay valid for the life of this object. Thread-safe.
/// </summary>
internal sealed unsafe class MappedVectors : IVectorRows
{
    private sealed record View(MemoryMappedFile File, MemoryMappedViewAccessor Accessor, long Rows, IntPtr Base);

    private readonly string _path;
    private readonly List<View> _views = [];
    private readonly Lock _lock = new();
    private volatile View _current;
    private bool _disposed;

    private MappedVectors(string path, VectorFileHeader header, View view)
    {
        _path = path;
        Header = header;
        _current = view;
        _views.Add(view);
    }

    /// <summary>The header as read when first mapped (dimension and dtype never change; the count grows).</summary>
    public VectorFileHeader Header { get; }

    public int Dimension => Header.Dimension;

    public string Path => _path;

    /// <summary>Rows readable without mapping again.</summary>
    public long Count => _current.Rows;

    /// <exception cref="LookalikeException">StoreCorrupt naming the file: wrong magic, format, dtype or dimension, damaged header, truncated file.</exception>
    public static MappedVectors Open(string path, int expectedDimension)
    {
        var (header, view) = Map(path);
        try
        {
            header.CheckDimension(expectedDimension, path);
        }
        catch
        {
            Release(view);
            throw;
        }
        return new MappedVectors(path, header, view);
    }

    /// <summary>Row <paramref name="row"/> in place: valid until this object is disposed.</summary>
    /// <exception cref="LookalikeException">StoreCorrupt when the file has no such row (the database points past its end).</exception>
    public ReadOnlySpan<float> Row(long row)
    {
        var view = _current;
        if ((ulong)row >= (ulong)view.Rows) view = Grow(row);
        return new ReadOnlySpan<float>((byte*)view.Base + Header.Offset(row), Header.Dimension);
    }

    /// <summary><paramref name="count"/> consecutive rows starting at <paramref name="first"/>, in place.</summary>
    public ReadOnlySpan<float> Rows(long first, int count)
    {
        if (count == 0) return [];
        var view = _current;
        long last = first + count - 1;
        if ((ulong)last >= (ulong)view.Rows) view = Grow(last);
        return new ReadOnlySpan<float>((byte*)view.Base + Header.Offset(first), checked(count * Header.Dimension));
    }

    /// <summary>
    /// Maps the file again when it now counts more rows than are mapped, so every row counted at this moment stays
    /// readable however long this object lives, even once a compaction has unlinked the file.
    /// </summary>
    /// <exception cref="LookalikeException">StoreCorrupt (the file is gone or damaged).</exception>
    public void CatchUp()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var (header, view) = Map(_path);
            if (header.Count <= _current.Rows)
            {
                Release(view);
                return;
            }
            _views.Add(view);
            _current = view;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var view in _views) Release(view);
            _views.Clear();
        }
    }

    private View Grow(long row)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (row >= 0 && row < _current.Rows) return _current;
            var (header, view) = Map(_path);
            if (row < 0 || row >= view.Rows)
            {
                Release(view);
                throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                    $"{_path} has {header.Count:N0} rows, but the store refers to row {row:N0}: the vector file is short or was replaced. Run 'lookalike verify'.", _path);
            }
            _views.Add(view);
            _current = view;
            return view;
        }
    }

    private static (VectorFileHeader Header, View View) Map(string path)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        }
        catch (FileNotFoundException e)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"The store's vector file {path} is missing. Run 'lookalike verify'.", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Cannot read vector file {path}: {e.Message}", path, e);
        }
        MemoryMappedFile? file = null;
        try
        {
            var header = VectorFileHeader.Read(stream.SafeFileHandle, path);
            long length = stream.Length;
            if (length < header.DataEnd)
                throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                    $"{path} is {length:N0} bytes, shorter than the {header.DataEnd:N0} its header counts ({header.Count:N0} rows): the file was truncated.", path);
            file = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            var accessor = file.CreateViewAccessor(0, header.DataEnd, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += accessor.PointerOffset;
            return (header, new View(file, accessor, header.Count, (IntPtr)pointer));
        }
        catch
        {
            if (file is null) stream.Dispose();
            file?.Dispose();
            throw;
        }
    }

    private static void Release(View view)
    {
        view.Accessor.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Accessor.Dispose();
        view.File.Dispose();
    }
}
