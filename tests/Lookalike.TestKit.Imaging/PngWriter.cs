using System.Buffers.Binary;
using System.IO.Compression;

namespace Lookalike.TestKit.Imaging;

/// <summary>
/// A minimal PNG writer for the variants Skia's encoder does not produce (palette, grayscale, 16-bit) and for
/// hostile files (a header that claims a huge size).
/// </summary>
public static class PngWriter
{
    public const byte Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, Rgba = 6;

    /// <summary>
    /// A PNG of <paramref name="rows"/> (each row's samples, big-endian for 16-bit, without the filter byte).
    /// </summary>
    public static byte[] Write(int width, int height, byte colorType, byte bitDepth, IReadOnlyList<byte[]> rows,
        byte[]? palette = null, byte[]? transparency = null)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(output, "IHDR", Header(width, height, colorType, bitDepth));
        if (palette is not null)
            WriteChunk(output, "PLTE", palette);
        if (transparency is not null)
            WriteChunk(output, "tRNS", transparency);
        WriteChunk(output, "IDAT", Deflate(rows));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>A valid-looking PNG whose IHDR claims <paramref name="width"/>×<paramref name="height"/> but carries a single tiny IDAT.</summary>
    public static byte[] Bomb(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(output, "IHDR", Header(width, height, Rgb, 8));
        WriteChunk(output, "IDAT", Deflate([new byte[16]]));
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    public static byte[] Header(int width, int height, byte colorType, byte bitDepth)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        return ihdr; // compression, filter and interlace methods 0
    }

    public static void WriteChunk(Stream output, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeAndData = new byte[4 + data.Length];
        for (int i = 0; i < 4; i++)
            typeAndData[i] = (byte)type[i];
        data.CopyTo(typeAndData, 4);
        output.Write(typeAndData);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        output.Write(crc);
    }

    private static byte[] Deflate(IReadOnlyList<byte[]> rows)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            foreach (var row in rows)
            {
                zlib.WriteByte(0); // filter type None
                zlib.Write(row);
            }
        }
        return compressed.ToArray();
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
