using System.Buffers.Binary;

namespace Lookalike.TestKit.Imaging;

/// <summary>Ways to break a file: truncation, bit flips, other containers.</summary>
public static class Damage
{
    public static byte[] Truncate(byte[] data, int length) => data.AsSpan(0, length).ToArray();

    public static byte[] FlipBit(byte[] data, int byteIndex, int bit)
    {
        var copy = (byte[])data.Clone();
        copy[byteIndex] ^= (byte)(1 << bit);
        return copy;
    }

    /// <summary>An ICO file holding one PNG-compressed icon (Skia can decode ICO; this decoder refuses it).</summary>
    public static byte[] IcoWrapping(byte[] png, int size)
    {
        var header = new byte[6 + 16];
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(2), 1);  // type: icon
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(4), 1);  // one image
        header[6] = (byte)size;
        header[7] = (byte)size;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), 1); // planes
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(12), 32); // bpp
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(14), png.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(18), header.Length);
        return [.. header, .. png];
    }
}
