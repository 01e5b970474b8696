using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>Converts premultiplied RGBA8888 pixels to the RGB24 layout of <c>DecodedImage</c>, composited over white.</summary>
internal static class Rgb24
{
    /// <summary>
    /// Returns <c>Width*Height*3</c> bytes, row-major, interleaved R,G,B. Each channel is <c>c + (255 − a)</c>:
    /// premultiplied source-over onto opaque white, exact in 8 bits (valid premultiplied data has c ≤ a; the clamp only guards against a codec that breaks that).
    /// Opaque pixels (a = 255) are copied unchanged.
    /// </summary>
    public static byte[] FromPremulRgba(SKPixmap pixmap)
    {
        if (pixmap.ColorType != SKColorType.Rgba8888)
            throw new ArgumentException($"Expected RGBA8888 pixels, got {pixmap.ColorType}.", nameof(pixmap));
        int width = pixmap.Width, height = pixmap.Height, rowBytes = pixmap.RowBytes;
        var rgb = new byte[checked(width * height * 3)];
        ReadOnlySpan<byte> src = pixmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
        {
            var row = src.Slice(y * rowBytes, width * 4);
            var dst = rgb.AsSpan(y * width * 3, width * 3);
            for (int x = 0, i = 0, o = 0; x < width; x++, i += 4, o += 3)
            {
                int white = 255 - row[i + 3];
                dst[o] = (byte)Math.Min(row[i] + white, 255);
                dst[o + 1] = (byte)Math.Min(row[i + 1] + white, 255);
                dst[o + 2] = (byte)Math.Min(row[i + 2] + white, 255);
            }
        }
        return rgb;
    }
}
