using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Vectors;

/// <summary>
/// Reads and writes NumPy <c>.npy</c> (format 1.0) files of a little-endian float32 C-order N×D matrix,
/// the format numpy, FAISS and sklearn users load with <c>np.load</c>.
/// </summary>
public static partial class NpyFormat
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Writes the header for <paramref name="rows"/>×<paramref name="dimension"/> float32; rows follow as raw bytes.</summary>
    public static void WriteHeader(Stream stream, int rows, int dimension)
    {
        ArgumentNullException.ThrowIfNull(stream);
        string dict = string.Create(CultureInfo.InvariantCulture,
            $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({rows}, {dimension}), }}");
        // Header length (magic 6 + version 2 + len 2 + dict + '\n') padded to a multiple of 64.
        int total = 10 + dict.Length + 1;
        int padded = (total + 63) / 64 * 64;
        string header = dict + new string(' ', padded - total) + "\n";
        stream.Write(Magic);
        stream.Write([1, 0]);
        Span<byte> len = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(len, checked((ushort)header.Length));
        stream.Write(len);
        stream.Write(Encoding.ASCII.GetBytes(header));
    }

    /// <summary>Writes one row of float32 values, little-endian.</summary>
    public static void WriteRow(Stream stream, ReadOnlySpan<float> row)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(row));
            return;
        }
        Span<byte> buffer = stackalloc byte[4];
        foreach (float f in row)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, f);
            stream.Write(buffer);
        }
    }

    /// <summary>Reads a whole float32 N×D matrix.</summary>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.InvalidArgument"/> naming the file when it is not such a matrix.</exception>
    public static (int Rows, int Dimension, float[] Data) Read(Stream stream, string sourceName)
    {
        var (rows, dimension) = ReadHeader(stream, sourceName);
        if ((long)rows * dimension > Array.MaxLength) throw Bad(sourceName, $"shape ({rows}, {dimension}) is too large to load whole");
        var data = new float[(long)rows * dimension];
        ReadRows(stream, sourceName, data);
        return (rows, dimension, data);
    }

    /// <summary>Reads the header and leaves the stream at the first row.</summary>
    public static (int Rows, int Dimension) ReadHeader(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[10];
        if (stream.ReadAtLeast(prefix, 10, throwOnEndOfStream: false) < 10 || !prefix[..6].SequenceEqual(Magic)) throw Bad(sourceName, "missing NUMPY magic");
        int major = prefix[6];
        int headerLength;
        if (major == 1) headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
        else if (major is 2 or 3)
        {
            Span<byte> more = stackalloc byte[2];
            if (stream.ReadAtLeast(more, 2, throwOnEndOfStream: false) < 2) throw Bad(sourceName, "truncated header");
            headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian([prefix[8], prefix[9], more[0], more[1]]);
        }
        else throw Bad(sourceName, $"unsupported format version {major}");
        if (headerLength is < 0 or > 1 << 20) throw Bad(sourceName, "header too long");
        var headerBytes = new byte[headerLength];
        if (stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false) < headerLength) throw Bad(sourceName, "truncated header");
        string header = Encoding.Latin1.GetString(headerBytes);
        if (!DescrRegex().IsMatch(header)) throw Bad(sourceName, "dtype must be '<f4' (float32 little-endian)");
        if (FortranRegex().IsMatch(header)) throw Bad(sourceName, "fortran_order must be False");
        var shape = ShapeRegex().Match(header);
        if (!shape.Success) throw Bad(sourceName, "shape must be (N, D)");
        long rows = long.Parse(shape.Groups[1].Value, CultureInfo.InvariantCulture);
        long dim = long.Parse(shape.Groups[2].Value, CultureInfo.InvariantCulture);
        if (dim is < 1 or > 65536 || rows is < 0 or > int.MaxValue) throw Bad(sourceName, $"shape ({rows}, {dim}) out of range");
        return ((int)rows, (int)dim);
    }

    /// <summary>Fills <paramref name="destination"/> with the next rows (a multiple of the dimension).</summary>
    public static void ReadRows(Stream stream, string sourceName, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length) throw Bad(sourceName, "data shorter than its shape says");
        if (!BitConverter.IsLittleEndian)
            for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
    }

    private static LookalikeException Bad(string sourceName, string why) =>
        LookalikeException.InvalidArgument(sourceName, $"{sourceName} is not a float32 N×D .npy matrix: {why}.");

    [GeneratedRegex(@"'descr':\s*'<f4'")]
    private static partial Regex DescrRegex();

    [GeneratedRegex(@"'fortran_order':\s*True")]
    private static partial Regex FortranRegex();

    [GeneratedRegex(@"'shape':\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\)")]
    private static partial Regex ShapeRegex();
}
