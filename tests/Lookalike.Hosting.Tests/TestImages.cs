using SkiaSharp;

namespace Lookalike.Hosting.Tests;

/// <summary>Image bytes made in tests with SkiaSharp (the test's own encoder, not the product's decoder).</summary>
internal static class TestImages
{
    public static byte[] ReencodeJpeg(byte[] jpeg, double scale, int quality)
    {
        using var original = SKBitmap.Decode(jpeg);
        var info = new SKImageInfo(Math.Max(1, (int)(original.Width * scale)), Math.Max(1, (int)(original.Height * scale)));
        using var resized = original.Resize(info, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var image = SKImage.FromBitmap(resized);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    public static byte[] Png(int width, int height, SKColor color)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
