using System.Buffers.Binary;
using SkiaSharp;

namespace Lookalike.TestKit.Imaging;

/// <summary>
/// A minimal GIF89a writer (Skia cannot encode GIF). Uses "uncompressed" LZW: 7-bit minimum code size, so every
/// code is one byte, with a clear code every 100 pixels so the code size never grows.
/// </summary>
public static class GifWriter
{
    private const int ClearCode = 128, EndCode = 129;

    /// <summary>
    /// A GIF of one or more full-canvas frames, each a row-major array of palette indices (0–127).
    /// <paramref name="transparentIndex"/> marks one index transparent in every frame.
    /// </summary>
    public static byte[] Write(int width, int height, SKColor[] palette, IReadOnlyList<byte[]> frames, int? transparentIndex = null)
    {
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.WriteByte(0xF6); // global colour table, 7-bit colour resolution, 128 entries (2^(6+1))
        output.WriteByte(0);    // background index
        output.WriteByte(0);    // aspect ratio
        for (int i = 0; i < 128; i++)
        {
            var c = i < palette.Length ? palette[i] : SKColors.Black;
            output.WriteByte(c.Red);
            output.WriteByte(c.Green);
            output.WriteByte(c.Blue);
        }

        foreach (var frame in frames)
        {
            // Graphic control extension: 10 cs delay, transparency flag as requested.
            output.Write([0x21, 0xF9, 4, (byte)(transparentIndex is null ? 0x04 : 0x05), 10, 0, (byte)(transparentIndex ?? 0), 0]);
            output.WriteByte(0x2C);
            WriteUInt16(output, 0);
            WriteUInt16(output, 0);
            WriteUInt16(output, width);
            WriteUInt16(output, height);
            output.WriteByte(0); // no local colour table, not interlaced
            output.WriteByte(7); // LZW minimum code size
            WriteSubBlocks(output, Lzw(frame));
        }
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    /// <summary>A GIF whose logical screen and frame claim <paramref name="width"/>×<paramref name="height"/> (max 65535) with almost no data.</summary>
    public static byte[] Bomb(int width, int height)
    {
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.Write([0x80, 0, 0, 0, 0, 0, 255, 255, 255]); // 2-entry global table
        output.WriteByte(0x2C);
        WriteUInt16(output, 0);
        WriteUInt16(output, 0);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.WriteByte(0);
        output.WriteByte(2);
        output.Write([2, 0x44, 0x01, 0]); // clear, 0, end
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    private static byte[] Lzw(byte[] indices)
    {
        var codes = new List<byte>(indices.Length + indices.Length / 100 + 2);
        for (int i = 0; i < indices.Length; i++)
        {
            if (i % 100 == 0)
                codes.Add(ClearCode);
            codes.Add(indices[i]);
        }
        codes.Add(EndCode);
        return [.. codes];
    }

    private static void WriteSubBlocks(Stream output, byte[] data)
    {
        for (int offset = 0; offset < data.Length; offset += 255)
        {
            int n = Math.Min(255, data.Length - offset);
            output.WriteByte((byte)n);
            output.Write(data, offset, n);
        }
        output.WriteByte(0);
    }

    private static void WriteUInt16(Stream output, int value)
    {
        Span<byte> b = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value);
        output.Write(b);
    }
}
