using System.Buffers.Binary;
using System.Numerics;
using Lookalike.Core.Errors;
using Microsoft.Win32.SafeHandles;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>Element type of a vector file's rows.</summary>
internal enum VectorDType : uint
{
    Float32 = 1,
}

/// <summary>
/// The 64-byte header that opens every vector file (little-endian):
/// <code>
///  0  8  magic "LKVECTOR"
///  8  4  format version (1)
/// 12  4  dtype (1 = float32)
/// 16  4  dimension
/// 20  4  header bytes (64): rows start here
/// 24  8  count: rows written and flushed to disk
/// 32  4  CRC-32C of the count rows' bytes, before the final inversion (so an append continues it)
/// 36  4  CRC-32C of bytes 0..36 (a torn header write is detected, never trusted)
/// 40 24  zero
/// </code>
/// </summary>
internal sealed record VectorFileHeader(int FormatVersion, VectorDType DType, int Dimension, long Count, uint DataChecksum)
{
    public const int Bytes = 64;
    public const int CurrentFormat = 1;
    private static ReadOnlySpan<byte> Magic => "LKVECTOR"u8;

    public int RowBytes => Dimension * sizeof(float);

    /// <summary>Where row <paramref name="row"/> starts in the file.</summary>
    public long Offset(long row) => Bytes + row * RowBytes;

    /// <summary>Bytes the header and its <see cref="Count"/> rows take.</summary>
    public long DataEnd => Offset(Count);

    public static VectorFileHeader Empty(int dimension) => new(CurrentFormat, VectorDType.Float32, dimension, 0, Crc32C.Initial);

    public void WriteTo(Span<byte> buffer)
    {
        buffer[..Bytes].Clear();
        Magic.CopyTo(buffer);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[12..], (uint)DType);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[16..], Dimension);
        BinaryPrimitives.WriteInt32LittleEndian(buffer[20..], Bytes);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[24..], Count);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[32..], DataChecksum);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[36..], Crc32C.Final(Crc32C.Append(Crc32C.Initial, buffer[..36])));
    }

    /// <summary>Parses and checks a header; the message names <paramref name="path"/> and what is wrong.</summary>
    /// <exception cref="LookalikeException">StoreCorrupt: not a vector file, a newer format, an unknown dtype, a damaged header.</exception>
    public static VectorFileHeader Parse(ReadOnlySpan<byte> buffer, string path)
    {
        if (buffer.Length < Bytes || !buffer[..8].SequenceEqual(Magic))
            throw Corrupt(path, $"{path} is not a Lookalike vector file (no LKVECTOR magic).");
        int format = BinaryPrimitives.ReadInt32LittleEndian(buffer[8..]);
        if (format != CurrentFormat)
            throw Corrupt(path, format > CurrentFormat
                ? $"{path} has vector file format {format}, newer than this build understands ({CurrentFormat}). Upgrade Lookalike."
                : $"{path} has vector file format {format}; this build reads {CurrentFormat}.");
        uint headerCrc = BinaryPrimitives.ReadUInt32LittleEndian(buffer[36..]);
        if (headerCrc != Crc32C.Final(Crc32C.Append(Crc32C.Initial, buffer[..36])))
            throw Corrupt(path, $"{path} has a damaged header (header checksum mismatch).");
        uint dtype = BinaryPrimitives.ReadUInt32LittleEndian(buffer[12..]);
        if (dtype != (uint)VectorDType.Float32)
            throw Corrupt(path, $"{path} holds dtype {dtype}; this build reads float32 (1) vector files.");
        int dimension = BinaryPrimitives.ReadInt32LittleEndian(buffer[16..]);
        int headerBytes = BinaryPrimitives.ReadInt32LittleEndian(buffer[20..]);
        long count = BinaryPrimitives.ReadInt64LittleEndian(buffer[24..]);
        if (dimension <= 0 || headerBytes != Bytes || count < 0)
            throw Corrupt(path, $"{path} has an invalid header (dimension {dimension}, header bytes {headerBytes}, count {count}).");
        return new VectorFileHeader(format, VectorDType.Float32, dimension, count, BinaryPrimitives.ReadUInt32LittleEndian(buffer[32..]));
    }

    /// <summary>Reads the header from an open file; a header torn by a concurrent writer is re-read before it counts as damaged.</summary>
    public static VectorFileHeader Read(SafeFileHandle handle, string path)
    {
        Span<byte> buffer = stackalloc byte[Bytes];
        for (int attempt = 1; ; attempt++)
        {
            int read = RandomAccess.Read(handle, buffer, 0);
            if (read < Bytes)
                throw Corrupt(path, $"{path} is {read} bytes long: shorter than the {Bytes}-byte vector file header.");
            try
            {
                return Parse(buffer, path);
            }
            catch (LookalikeException) when (attempt < 3)
            {
                // A writer may be rewriting the header this instant; the next read sees it whole.
            }
        }
    }

    /// <summary>Checks the header describes the vectors the store expects.</summary>
    public void CheckDimension(int expected, string path)
    {
        if (expected > 0 && Dimension != expected)
            throw Corrupt(path, $"{path} holds {Dimension}-d vectors, but the store is {expected}-d.");
    }

    private static LookalikeException Corrupt(string path, string message) => new(LookalikeErrorKind.StoreCorrupt, message, path);
}

/// <summary>CRC-32C (Castagnoli), resumable, hardware-accelerated where the CPU has it (<see cref="BitOperations.Crc32C(uint, ulong)"/>).</summary>
internal static class Crc32C
{
    public const uint Initial = 0xFFFFFFFF;

    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (byte b in data) crc = BitOperations.Crc32C(crc, b);
        return crc;
    }

    public static uint Final(uint crc) => ~crc;
}
