using System.Buffers.Binary;

namespace Lookalike.Server.Tests.Support;

/// <summary>Uploads, good and hostile.</summary>
public static class TestImages
{
    /// <summary>A GIF whose header claims <paramref name="width"/>×<paramref name="height"/> pixels in a few dozen bytes.</summary>
    public static byte[] GifBomb(int width = 65_535, int height = 65_535)
    {
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.Write([0x80, 0, 0, 0, 0, 0, 255, 255, 255]); // two-colour global table
        output.WriteByte(0x2C);
        WriteUInt16(output, 0);
        WriteUInt16(output, 0);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.WriteByte(0);
        output.WriteByte(2);
        output.Write([2, 0x44, 0x01, 0]);
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    private static void WriteUInt16(Stream output, int value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)value);
        output.Write(buffer);
    }

    /// <summary>
    /// Two photos side by side in one PNG, each decoded by the product's decoder to a <paramref name="side"/>-pixel
    /// centre-cropped square: a "photo of two products" for region queries.
    /// </summary>
    public static byte[] SideBySide(string leftPath, string rightPath, int side)
    {
        var decoder = Lookalike.Hosting.LookalikeComponents.CreateDecoder();
        var target = new Lookalike.Core.Imaging.ImageTarget(side, side, Lookalike.Core.Imaging.ResizeMode.CenterCrop);
        var left = decoder.Decode(File.ReadAllBytes(leftPath), leftPath, target);
        var right = decoder.Decode(File.ReadAllBytes(rightPath), rightPath, target);
        var pixels = new byte[2 * side * side * 3];
        for (int y = 0; y < side; y++)
        {
            Array.Copy(left.Pixels, y * side * 3, pixels, y * 2 * side * 3, side * 3);
            Array.Copy(right.Pixels, y * side * 3, pixels, (y * 2 + 1) * side * 3, side * 3);
        }
        return Png(new Lookalike.Core.Imaging.DecodedImage(2 * side, side, pixels));
    }

    /// <summary>A minimal PNG of decoded pixels, so tests need no imaging library.</summary>
    public static byte[] Png(Lookalike.Core.Imaging.DecodedImage image)
    {
        // A minimal PNG (RGB, no filter, stored with zlib) so the test needs no imaging library.
        using var raw = new MemoryStream();
        for (int y = 0; y < image.Height; y++)
        {
            raw.WriteByte(0);
            raw.Write(image.Pixels, y * image.Width * 3, image.Width * 3);
        }
        using var compressed = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            raw.WriteTo(zlib);
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), image.Height);
        header[8] = 8;
        header[9] = 2;
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream output, string type, byte[] data)
    {
        var buffer = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(buffer, data.Length);
        output.Write(buffer);
        byte[] typed = [.. type.Select(c => (byte)c), .. data];
        output.Write(typed);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(buffer, Crc32(typed));
        output.Write(buffer);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
