using Xunit;
using Lookalike.Core.Imaging;
using SkiaSharp;

namespace Lookalike.TestKit.Imaging;

/// <summary>Builds small test pictures with SkiaSharp and encodes them in the formats Skia can write (PNG, JPEG, WebP).</summary>
public static class Pictures
{
    public static readonly SKColor Red = new(255, 0, 0);
    public static readonly SKColor Green = new(0, 255, 0);
    public static readonly SKColor Blue = new(0, 0, 255);
    public static readonly SKColor Yellow = new(255, 255, 0);
    public static readonly SKColor Black = new(0, 0, 0);
    public static readonly SKColor White = new(255, 255, 255);

    /// <summary>An unpremultiplied RGBA bitmap whose pixel (x, y) is <paramref name="color"/>(x, y).</summary>
    public static SKBitmap Make(int width, int height, Func<int, int, SKColor> color)
    {
        var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var span = bitmap.GetPixelSpan();
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var c = color(x, y);
                int i = y * bitmap.RowBytes + x * 4;
                span[i] = c.Red;
                span[i + 1] = c.Green;
                span[i + 2] = c.Blue;
                span[i + 3] = c.Alpha;
            }
        }
        return bitmap;
    }

    public static SKBitmap Solid(int width, int height, SKColor color) => Make(width, height, (_, _) => color);

    /// <summary>Four flat quadrants: top-left, top-right, bottom-left, bottom-right.</summary>
    public static SKBitmap Quadrants(int width, int height, SKColor tl, SKColor tr, SKColor bl, SKColor br) =>
        Make(width, height, (x, y) => (x < width / 2, y < height / 2) switch
        {
            (true, true) => tl,
            (false, true) => tr,
            (true, false) => bl,
            _ => br,
        });

    public static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality = 95)
    {
        using var data = bitmap.Encode(format, quality) ?? throw new InvalidOperationException($"Skia could not encode {format}.");
        return data.ToArray();
    }

    public static byte[] Png(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Png);

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 95) => Encode(bitmap, SKEncodedImageFormat.Jpeg, quality);

    /// <summary>Lossless WebP, so colours and alpha survive exactly.</summary>
    public static byte[] WebpLossless(SKBitmap bitmap)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))
            ?? throw new InvalidOperationException("Skia could not encode WebP.");
        return data.ToArray();
    }

    public static byte[] WebpLossy(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Webp, 90);

    /// <summary>Pixel (x, y) of a decoded image.</summary>
    public static SKColor At(DecodedImage image, int x, int y)
    {
        int i = (y * image.Width + x) * 3;
        return new SKColor(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    /// <summary>Largest per-channel difference between two colours.</summary>
    public static int Distance(SKColor a, SKColor b) =>
        Math.Max(Math.Abs(a.Red - b.Red), Math.Max(Math.Abs(a.Green - b.Green), Math.Abs(a.Blue - b.Blue)));

    public static void AssertColor(SKColor expected, DecodedImage image, int x, int y, int tolerance = 0)
    {
        var actual = At(image, x, y);
        Assert.True(Distance(expected, actual) <= tolerance,
            $"Pixel ({x},{y}) of {image.Width}x{image.Height}: expected {expected} ±{tolerance}, got {actual}.");
    }

    /// <summary>Mean absolute difference per channel between two images of equal size.</summary>
    public static double MeanAbsoluteDifference(DecodedImage a, DecodedImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        long sum = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
            sum += Math.Abs(a.Pixels[i] - b.Pixels[i]);
        return (double)sum / a.Pixels.Length;
    }
}
