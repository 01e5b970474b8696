using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>Converts premultiplied RGBA8888 pixels to the RGB24 layout of <c>DecodedImage</c>, composited over white.</summary>
internal static class Rgb24
{
    /// <summary>
    /// Returns <c>Width*Height*3</c> bytes, row-major, interleaved R,G,B. Each channel is <c>c + (255 − a)</c>:
    /// premultiplied source-over onto opaque white, exact in 8 bits (valid premultiplied data has c ≤ a; the clamp only guards against a codec that breaks that).
    /// Opaque pixels (a = 255) are copied unchanged, four at a time (every drawn fit is opaque: it is drawn over white).
    /// </summary>
    public static byte[] FromPremulRgba(SKPixmap pixmap)
    {
        if (pixmap.ColorType != SKColorType.Rgba8888)
            throw new ArgumentException($"Expected RGBA8888 pixels, got {pixmap.ColorType}.", nameof(pixmap));
        int width = pixmap.Width, height = pixmap.Height, rowBytes = pixmap.RowBytes;
        var rgb = GC.AllocateUninitializedArray<byte>(checked(width * height * 3));
        ReadOnlySpan<byte> src = pixmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
            ConvertRow(src.Slice(y * rowBytes, width * 4), rgb.AsSpan(y * width * 3, width * 3));
        return rgb;
    }

    /// <summary>One row: 4 opaque pixels per step by a byte shuffle (16 bytes stored, the last 4 overwritten by the next step), the rest one by one.</summary>
    internal static void ConvertRow(ReadOnlySpan<byte> row, Span<byte> dst)
    {
        int width = row.Length / 4, x = 0;
        ref byte s = ref MemoryMarshal.GetReference(row);
        ref byte d = ref MemoryMarshal.GetReference(dst);
        var alpha = Vector128.Create(0xFF000000u).AsByte();
        var pack = Vector128.Create((byte)0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 0x80, 0x80, 0x80, 0x80);
        // x + 5 ≤ width: the 16-byte store of pixels x..x+3 ends inside pixel x+4's 3 bytes of this row.
        for (; x + 5 <= width; x += 4)
        {
            var v = Vector128.LoadUnsafe(ref s, (nuint)(x * 4));
            if ((v & alpha) != alpha) break; // a pixel with transparency: the rest of the row goes the exact scalar way
            Vector128.Shuffle(v, pack).StoreUnsafe(ref d, (nuint)(x * 3));
        }
        for (; x < width; x++)
        {
            uint p = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref s, x * 4));
            int white = 255 - (int)(p >> 24);
            ref byte o = ref Unsafe.Add(ref d, x * 3);
            o = (byte)Math.Min((int)(p & 0xFF) + white, 255);
            Unsafe.Add(ref o, 1) = (byte)Math.Min((int)((p >> 8) & 0xFF) + white, 255);
            Unsafe.Add(ref o, 2) = (byte)Math.Min((int)((p >> 16) & 0xFF) + white, 255);
        }
    }
}
