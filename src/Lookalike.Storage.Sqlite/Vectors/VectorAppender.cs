using System.Runtime.InteropServices;
using Lookalike.Core.Errors;
using Microsoft.Win32.SafeHandles;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// Appends rows to a vector file. Rows already counted by the header are never rewritten, so readers (other processes
/// included) may map the file while it grows. <see cref="Commit"/> flushes the rows to disk, then writes the header's new
/// count and checksum and flushes again: a row is counted only once its bytes are durable, and the caller commits the
/// SQLite rows that reference it only after <see cref="Commit"/> returns. A crash before that leaves uncounted bytes past
/// the count (cut off by the next append) or counted rows nothing references (dead, never wrong).
/// Use under the store's write lock (a <c>BEGIN IMMEDIATE</c> transaction): one appender at a time.
/// </summary>
internal sealed class VectorAppender : IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly string _path;
    private VectorFileHeader _header;
    private long _end;
    private uint _checksum;
    private long _pending;

    private VectorAppender(SafeFileHandle handle, string path, VectorFileHeader header)
    {
        _handle = handle;
        _path = path;
        _header = header;
        _end = header.DataEnd;
        _checksum = header.DataChecksum;
    }

    public int Dimension => _header.Dimension;

    /// <summary>Rows counted by the header plus rows appended and not yet committed.</summary>
    public long Count => _header.Count + _pending;

    /// <summary>Opens the file at <paramref name="path"/>.</summary>
    /// <param name="dimension">The store's dimension; the file must have it.</param>
    /// <param name="unreferenced">No committed row refers to the file (a store with no items): create it when missing, and
    /// start over when its header is unreadable (a creation that was interrupted).</param>
    /// <exception cref="LookalikeException">StoreCorrupt naming the file when it is missing while referenced, its header is wrong, or it is shorter than its count.</exception>
    public static VectorAppender Open(string path, int dimension, bool unreferenced)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (!unreferenced && !File.Exists(path))
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt, $"The store's vector file {path} is missing. Run 'lookalike verify'.", path);
        var handle = OpenHandle(path, FileMode.OpenOrCreate);
        try
        {
            VectorFileHeader header;
            if (RandomAccess.GetLength(handle) == 0)
            {
                header = WriteEmpty(handle, dimension);
            }
            else
            {
                try
                {
                    header = VectorFileHeader.Read(handle, path);
                }
                catch (LookalikeException) when (unreferenced)
                {
                    RandomAccess.SetLength(handle, 0);
                    header = WriteEmpty(handle, dimension);
                }
            }
            header.CheckDimension(dimension, path);
            long length = RandomAccess.GetLength(handle);
            if (length < header.DataEnd)
                throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                    $"{path} is {length:N0} bytes, shorter than the {header.DataEnd:N0} its header counts ({header.Count:N0} rows): the file was truncated.", path);
            if (length > header.DataEnd) RandomAccess.SetLength(handle, header.DataEnd); // the tail of an interrupted append
            return new VectorAppender(handle, path, header);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Writes whole rows after the last; returns the index of the first. Not durable until <see cref="Commit"/>.</summary>
    public long Append(ReadOnlySpan<float> rows)
    {
        if (rows.Length % _header.Dimension != 0)
            throw new ArgumentException($"{rows.Length} values are not whole {_header.Dimension}-d rows.", nameof(rows));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        long first = Count;
        var bytes = MemoryMarshal.AsBytes(rows);
        try
        {
            RandomAccess.Write(_handle, bytes, _end);
        }
        catch (IOException e)
        {
            throw Unavailable(e);
        }
        _end += bytes.Length;
        _checksum = Crc32C.Append(_checksum, bytes);
        _pending += rows.Length / _header.Dimension;
        return first;
    }

    /// <summary>Makes the appended rows durable and counted: flush rows, write header, flush header.</summary>
    public void Commit()
    {
        if (_pending == 0) return;
        var next = _header with { Count = _header.Count + _pending, DataChecksum = _checksum };
        try
        {
            RandomAccess.FlushToDisk(_handle);
            WriteHeader(_handle, next);
            RandomAccess.FlushToDisk(_handle);
        }
        catch (IOException e)
        {
            throw Unavailable(e);
        }
        _header = next;
        _pending = 0;
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>A full disk or a failing device: the store cannot be written (the SQLite transaction then rolls back).</summary>
    private LookalikeException Unavailable(IOException e) =>
        new(LookalikeErrorKind.StoreUnavailable, $"Cannot write vector file {_path}: {e.Message}", _path, e);

    private static VectorFileHeader WriteEmpty(SafeFileHandle handle, int dimension)
    {
        var header = VectorFileHeader.Empty(dimension);
        WriteHeader(handle, header);
        RandomAccess.FlushToDisk(handle);
        return header;
    }

    private static void WriteHeader(SafeFileHandle handle, VectorFileHeader header)
    {
        Span<byte> buffer = stackalloc byte[VectorFileHeader.Bytes];
        header.WriteTo(buffer);
        RandomAccess.Write(handle, buffer, 0);
    }

    internal static SafeFileHandle OpenHandle(string path, FileMode mode)
    {
        try
        {
            return File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Cannot write vector file {path}: {e.Message}", path, e);
        }
    }
}
