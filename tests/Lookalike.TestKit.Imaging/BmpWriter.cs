using System.Buffers.Binary;
using SkiaSharp;

namespace Lookalike.TestKit.Imaging;

/// <summary>A minimal 24-bit bottom-up BMP writer (Skia cannot encode BMP).</summary>
public static class BmpWriter
{
    public static byte[] Write(SKBitmap bitmap)
    {
        int width = bitmap.Width, height = bitmap.Height;
        int stride = (width * 3 + 3) & ~3;
        var file = new byte[54 + stride * height];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);          // pixel data offset
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);          // BITMAPINFOHEADER
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);      // positive: bottom-up
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);           // planes
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);          // bits per pixel
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                file[row + x * 3] = c.Blue;
                file[row + x * 3 + 1] = c.Green;
                file[row + x * 3 + 2] = c.Red;
            }
        }
        return file;
    }
}
