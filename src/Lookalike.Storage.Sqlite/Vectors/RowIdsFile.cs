using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// The row-id file (<c>row-ids.bin</c> beside <c>vectors.f32</c>): a derived cache of <see cref="RowIdTable"/> for one
/// store generation, so opening the vectors reads no item row. It is never trusted blindly: the header must name the
/// generation and generation nonce the open's snapshot reads from SQLite, cover no more rows than the vector file has,
/// and both checksums must hold; anything else and the table is read from SQLite again and the file rewritten. Written
/// to a temporary file, flushed, then renamed over, so a reader sees the old file or the new, never half. Header (64 bytes,
/// little-endian):
/// <code>
///  0  8  magic "LKROWIDS"
///  8  4  format version (1)
/// 12  4  header bytes (64): the body starts here
/// 16  8  store generation the table is of
/// 24  8  the store's generation nonce then (0 for a store without one)
/// 32  4  rows
/// 36  4  live rows
/// 40  4  slots
/// 44  4  CRC-32C of the body
/// 48  4  CRC-32C of bytes 0..48
/// 52 12  zero
/// </code>
/// </summary>
internal static unsafe class RowIdsFile
{
    public const string Name = "row-ids.bin";
    public const int HeaderBytes = 64;
    public const int CurrentFormat = 1;
    private static ReadOnlySpan<byte> Magic => "LKROWIDS"u8;

    public static string PathIn(string directory) => System.IO.Path.Combine(directory, Name);

    /// <summary>Writes <paramref name="table"/> as the table of (<paramref name="generation"/>, <paramref name="nonce"/>); false when the folder cannot be written (the next open reads SQLite again).</summary>
    public static bool TryWrite(string directory, RowIdTable table, long generation, long nonce)
    {
        string path = PathIn(directory);
        string temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            var body = table.Body;
            Span<byte> header = stackalloc byte[HeaderBytes];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt32LittleEndian(header[8..], CurrentFormat);
            BinaryPrimitives.WriteInt32LittleEndian(header[12..], HeaderBytes);
            BinaryPrimitives.WriteInt64LittleEndian(header[16..], generation);
            BinaryPrimitives.WriteInt64LittleEndian(header[24..], nonce);
            BinaryPrimitives.WriteInt32LittleEndian(header[32..], table.Rows);
            BinaryPrimitives.WriteInt32LittleEndian(header[36..], table.LiveCount);
            BinaryPrimitives.WriteInt32LittleEndian(header[40..], table.SlotCount);
            BinaryPrimitives.WriteUInt32LittleEndian(header[44..], Checksum(body));
            BinaryPrimitives.WriteUInt32LittleEndian(header[48..], Checksum(header[..48]));
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1))
            {
                stream.Write(header);
                stream.Write(body);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            RemoveAbandoned(directory);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (Exception again) when (again is IOException or UnauthorizedAccessException)
            {
                // nothing was written, or the folder refuses writes altogether
            }
            return false;
        }
    }

    /// <summary>
    /// The table in <paramref name="directory"/>'s file, mapped, when it is the table of this snapshot
    /// (<paramref name="generation"/>, <paramref name="nonce"/>) over at most <paramref name="vectorRows"/> rows and intact;
    /// otherwise null and why in <paramref name="reason"/>.
    /// </summary>
    public static RowIdTable? TryOpen(string directory, long generation, long nonce, long vectorRows, out string reason)
    {
        string path = PathIn(directory);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        }
        catch (FileNotFoundException)
        {
            reason = "missing";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"unreadable: {e.Message}";
            return null;
        }
        MemoryMappedFile? file = null;
        MemoryMappedViewAccessor? accessor = null;
        Mapping? mapping = null;
        bool handedOver = false;
        try
        {
            long length = stream.Length;
            Span<byte> header = stackalloc byte[HeaderBytes];
            if (length < HeaderBytes || RandomAccess.Read(stream.SafeFileHandle, header, 0) != HeaderBytes)
            {
                reason = "truncated header";
                return null;
            }
            if (!header[..8].SequenceEqual(Magic) || BinaryPrimitives.ReadUInt32LittleEndian(header[48..]) != Checksum(header[..48]))
            {
                reason = "damaged header";
                return null;
            }
            int format = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            long fileGeneration = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
            long fileNonce = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
            int rows = BinaryPrimitives.ReadInt32LittleEndian(header[32..]);
            int live = BinaryPrimitives.ReadInt32LittleEndian(header[36..]);
            int slots = BinaryPrimitives.ReadInt32LittleEndian(header[40..]);
            if (format != CurrentFormat || BinaryPrimitives.ReadInt32LittleEndian(header[12..]) != HeaderBytes)
            {
                reason = $"format {format}";
                return null;
            }
            if (fileGeneration != generation || fileNonce != nonce)
            {
                reason = $"of generation {fileGeneration}, the store is at {generation}";
                return null;
            }
            if (rows < 0 || rows > vectorRows || live < 0 || live > rows || slots < 16 || (slots & (slots - 1)) != 0 || slots < 2L * live)
            {
                reason = $"{rows:N0} rows ({live:N0} live, {slots:N0} slots) for a vector file of {vectorRows:N0}";
                return null;
            }
            long bodyBytes = RowIdTable.BodyBytes(rows, slots);
            if (length != HeaderBytes + bodyBytes)
            {
                reason = $"{length:N0} bytes, {HeaderBytes + bodyBytes:N0} expected";
                return null;
            }
            file = MemoryMappedFile.CreateFromFile(stream, mapName: null, capacity: 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            accessor = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            mapping = new Mapping(file, accessor);
            byte* body = pointer + accessor.PointerOffset + HeaderBytes;
            if (Checksum(new ReadOnlySpan<byte>(body, checked((int)bodyBytes))) != BinaryPrimitives.ReadUInt32LittleEndian(header[44..]))
            {
                reason = "damaged body";
                return null;
            }
            handedOver = true;
            reason = "";
            return RowIdTable.Over(body, rows, live, slots, mapping);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            reason = $"unreadable: {e.Message}";
            return null;
        }
        finally
        {
            if (!handedOver)
            {
                if (mapping is not null) mapping.Dispose();
                else
                {
                    accessor?.Dispose();
                    if (file is null) stream.Dispose();
                    else file.Dispose();
                }
            }
        }
    }

    /// <summary>Temporary files of writers that were killed mid-write (<c>row-ids.bin.PID.GUID.tmp</c> whose process is gone).</summary>
    private static void RemoveAbandoned(string directory)
    {
        foreach (string file in Directory.EnumerateFiles(directory, Name + ".*.tmp"))
        {
            string[] parts = System.IO.Path.GetFileName(file).Split('.');
            if (parts.Length != 5 || !int.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try
            {
                File.Delete(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // another process removed it first, or the folder refuses; the next write tries again
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static uint Checksum(ReadOnlySpan<byte> data) => Crc32C.Final(Crc32C.Append(Crc32C.Initial, data));

    private sealed class Mapping(MemoryMappedFile file, MemoryMappedViewAccessor accessor) : IDisposable
    {
        public void Dispose()
        {
            accessor.SafeMemoryMappedViewHandle.ReleasePointer();
            accessor.Dispose();
            file.Dispose();
        }
    }
}
