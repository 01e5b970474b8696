using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit.Imaging;
using SkiaSharp;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>Every accepted format and pixel layout decodes to the right size and colours.</summary>
public sealed class FormatTests
{
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();

    private static SKBitmap FourColours() => Quadrants(40, 30, Red, Green, Blue, Yellow);

    private static void AssertFourColours(Core.Imaging.DecodedImage image, int tolerance)
    {
        Assert.Equal((40, 30), (image.Width, image.Height));
        AssertColor(Red, image, 5, 5, tolerance);
        AssertColor(Green, image, 34, 5, tolerance);
        AssertColor(Blue, image, 5, 24, tolerance);
        AssertColor(Yellow, image, 34, 24, tolerance);
    }

    [Fact]
    public void Decode_Png_ReturnsExactPixels()
    {
        using var bitmap = FourColours();
        AssertFourColours(_decoder.Decode(Png(bitmap), "four.png"), tolerance: 0);
    }

    [Fact]
    public void Decode_Jpeg_ReturnsCloseColours()
    {
        using var bitmap = FourColours();
        AssertFourColours(_decoder.Decode(Jpeg(bitmap), "four.jpg"), tolerance: 12);
    }

    [Fact]
    public void Decode_WebpLossless_ReturnsExactPixels()
    {
        using var bitmap = FourColours();
        AssertFourColours(_decoder.Decode(WebpLossless(bitmap), "four.webp"), tolerance: 0);
    }

    [Fact]
    public void Decode_WebpLossy_ReturnsCloseColours()
    {
        using var bitmap = FourColours();
        AssertFourColours(_decoder.Decode(WebpLossy(bitmap), "four-lossy.webp"), tolerance: 24);
    }

    [Fact]
    public void Decode_Bmp_ReturnsExactPixels()
    {
        using var bitmap = FourColours();
        AssertFourColours(_decoder.Decode(BmpWriter.Write(bitmap), "four.bmp"), tolerance: 0);
    }

    [Fact]
    public void Decode_Gif_ReturnsExactPixels()
    {
        var indices = new byte[40 * 30];
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++)
                indices[y * 40 + x] = (byte)((x < 20 ? 0 : 1) + (y < 15 ? 0 : 2));
        var gif = GifWriter.Write(40, 30, [Red, Green, Blue, Yellow], [indices]);
        AssertFourColours(_decoder.Decode(gif, "four.gif"), tolerance: 0);
    }

    [Fact]
    public void Decode_AnimatedGif_ReturnsFirstFrame()
    {
        var first = Enumerable.Repeat((byte)0, 16 * 16).ToArray();
        var second = Enumerable.Repeat((byte)1, 16 * 16).ToArray();
        var gif = GifWriter.Write(16, 16, [Red, Blue], [first, second]);

        var image = _decoder.Decode(gif, "animated.gif");

        AssertColor(Red, image, 8, 8);
    }

    [Fact]
    public void Decode_GifWithTransparentIndex_CompositesOverWhite()
    {
        var indices = Enumerable.Range(0, 16 * 16).Select(i => (byte)(i % 16 < 8 ? 0 : 1)).ToArray();
        var gif = GifWriter.Write(16, 16, [Red, Blue], [indices], transparentIndex: 1);

        var image = _decoder.Decode(gif, "transparent.gif");

        AssertColor(Red, image, 2, 8);
        AssertColor(White, image, 13, 8);
    }

    [Fact]
    public void Decode_GrayscalePng_ReturnsGreyRgb()
    {
        var rows = Enumerable.Range(0, 8).Select(y => Enumerable.Range(0, 8).Select(x => (byte)(x < 4 ? 40 : 200)).ToArray()).ToList();
        var png = PngWriter.Write(8, 8, PngWriter.Gray, 8, rows);

        var image = _decoder.Decode(png, "gray.png");

        AssertColor(new SKColor(40, 40, 40), image, 1, 1);
        AssertColor(new SKColor(200, 200, 200), image, 6, 6);
    }

    [Fact]
    public void Decode_GrayAlphaPng_CompositesOverWhite()
    {
        // Black at alpha 0 → white; black at alpha 255 → black.
        var rows = Enumerable.Range(0, 4).Select(_ => new byte[] { 0, 0, 0, 0, 0, 255, 0, 255 }).ToList();
        var png = PngWriter.Write(4, 4, PngWriter.GrayAlpha, 8, rows);

        var image = _decoder.Decode(png, "gray-alpha.png");

        AssertColor(White, image, 0, 0);
        AssertColor(Black, image, 3, 0);
    }

    [Fact]
    public void Decode_PalettePngWithTransparency_MapsIndicesAndAlpha()
    {
        byte[] palette = [255, 0, 0, 0, 0, 255, 0, 255, 0];
        byte[] alpha = [255, 255, 0]; // index 2 (green) fully transparent
        var rows = Enumerable.Range(0, 6).Select(_ => new byte[] { 0, 0, 1, 1, 2, 2 }).ToList();
        var png = PngWriter.Write(6, 6, PngWriter.Palette, 8, rows, palette, alpha);

        var image = _decoder.Decode(png, "palette.png");

        AssertColor(Red, image, 0, 3);
        AssertColor(Blue, image, 2, 3);
        AssertColor(White, image, 5, 3);
    }

    [Fact]
    public void Decode_SixteenBitPng_ScalesTo8Bit()
    {
        // Big-endian 16-bit RGB: (65535, 32896, 0) → (255, 128, 0).
        var rows = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, 4).SelectMany(_ => new byte[] { 0xFF, 0xFF, 0x80, 0x80, 0x00, 0x00 }).ToArray()).ToList();
        var png = PngWriter.Write(4, 4, PngWriter.Rgb, 16, rows);

        var image = _decoder.Decode(png, "deep.png");

        AssertColor(new SKColor(255, 128, 0), image, 2, 2, tolerance: 1);
    }

    [Fact]
    public void Decode_GrayscaleJpeg_ReturnsGreyRgb()
    {
        using var gray = new SKBitmap(new SKImageInfo(16, 16, SKColorType.Gray8, SKAlphaType.Opaque));
        gray.Erase(new SKColor(90, 90, 90));
        var jpeg = Jpeg(gray);
        using (var codec = SKCodec.Create(SKData.CreateCopy(jpeg)))
            Assert.Equal(SKColorType.Gray8, codec.Info.ColorType); // really a one-component JPEG

        var image = _decoder.Decode(jpeg, "gray.jpg");

        AssertColor(new SKColor(90, 90, 90), image, 8, 8, tolerance: 2);
    }

    [Fact]
    public void Decode_AdobeCmykJpeg_ConvertsToRgb()
    {
        // Inverted CMYK as Photoshop stores it: C none (255), M full (0), Y full (0), K none (255) → red.
        var jpeg = JpegSurgery.AdobeCmyk([255, 0, 0, 255]);

        var image = _decoder.Decode(jpeg, "cmyk.jpg");

        Assert.Equal((8, 8), (image.Width, image.Height));
        AssertColor(Red, image, 4, 4, tolerance: 3);
    }

    [Fact]
    public void Decode_PngWithDisplayP3Profile_ConvertsToSrgb()
    {
        // The same stored numbers mean a different colour under another profile: decoding must honour the ICC profile.
        var p3 = SKColorSpace.CreateRgb(SKColorSpaceTransferFn.Srgb, SKColorSpaceXyz.DisplayP3);
        var stored = new SKColor(60, 170, 90);
        using var bitmap = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Rgba8888, SKAlphaType.Unpremul, p3));
        var span = bitmap.GetPixelSpan(); // raw bytes: Erase(SKColor) would convert from sRGB first
        for (int i = 0; i < span.Length; i += 4)
            (span[i], span[i + 1], span[i + 2], span[i + 3]) = (stored.Red, stored.Green, stored.Blue, 255);
        using var expectedSrgb = new SKBitmap(new SKImageInfo(8, 8, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb()));
        using (var pixmap = bitmap.PeekPixels())
            Assert.True(pixmap.ReadPixels(expectedSrgb.Info, expectedSrgb.GetPixels(), expectedSrgb.RowBytes, 0, 0));
        var expected = expectedSrgb.GetPixel(4, 4);
        Assert.True(Distance(stored, expected) > 10, "test colour must change visibly between P3 and sRGB");

        var image = _decoder.Decode(Png(bitmap), "display-p3.png");

        AssertColor(expected, image, 4, 4, tolerance: 2);
    }

    [Theory]
    [InlineData("photo.txt")]
    [InlineData("photo.gif")]
    [InlineData("no-extension")]
    public void Decode_MisleadingFileName_SniffsContent(string name)
    {
        using var bitmap = FourColours();
        AssertFourColours(_decoder.Decode(Png(bitmap), name), tolerance: 0);
    }

    [Fact]
    public void Decode_NullTarget_ReturnsFullSize()
    {
        using var bitmap = Solid(123, 45, Green);
        var image = _decoder.Decode(Png(bitmap), "full.png", target: null);
        Assert.Equal((123, 45), (image.Width, image.Height));
    }
}
