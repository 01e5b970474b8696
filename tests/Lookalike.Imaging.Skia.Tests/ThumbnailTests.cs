using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit.Imaging;
using SkiaSharp;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>Thumbnails: JPEG, oriented, over white, longer side at most maxSide, never enlarged.</summary>
public sealed class ThumbnailTests
{
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();

    private (SKEncodedImageFormat Format, SKSizeI Size) Inspect(byte[] thumbnail)
    {
        using var codec = SKCodec.Create(SKData.CreateCopy(thumbnail));
        Assert.NotNull(codec);
        return (codec.EncodedFormat, codec.Info.Size);
    }

    [Theory]
    [InlineData(1000, 500, 256, 256, 128)]
    [InlineData(500, 1000, 256, 128, 256)]
    [InlineData(300, 300, 64, 64, 64)]
    public void EncodeThumbnail_LargeImage_LongerSideIsMaxSide(int width, int height, int maxSide, int expectedWidth, int expectedHeight)
    {
        using var bitmap = Solid(width, height, Green);

        var thumbnail = _decoder.EncodeThumbnail(Png(bitmap), "large.png", maxSide);

        Assert.Equal((SKEncodedImageFormat.Jpeg, new SKSizeI(expectedWidth, expectedHeight)), Inspect(thumbnail));
    }

    [Fact]
    public void EncodeThumbnail_SmallImage_IsNotEnlarged()
    {
        using var bitmap = Solid(100, 50, Green);

        var thumbnail = _decoder.EncodeThumbnail(Png(bitmap), "small.png", 256);

        Assert.Equal((SKEncodedImageFormat.Jpeg, new SKSizeI(100, 50)), Inspect(thumbnail));
    }

    [Fact]
    public void EncodeThumbnail_Content_KeepsColoursAndPlacement()
    {
        using var bitmap = Quadrants(400, 200, Red, Green, Blue, Yellow);

        var image = _decoder.Decode(_decoder.EncodeThumbnail(Png(bitmap), "quads.png", 100), "thumb.jpg");

        Assert.Equal((100, 50), (image.Width, image.Height));
        AssertColor(Red, image, 10, 10, tolerance: 12);
        AssertColor(Green, image, 90, 10, tolerance: 12);
        AssertColor(Blue, image, 10, 40, tolerance: 12);
        AssertColor(Yellow, image, 90, 40, tolerance: 12);
    }

    [Fact]
    public void EncodeThumbnail_ExifOrientation_IsRotated()
    {
        using var bitmap = Quadrants(128, 64, Red, Green, Blue, Yellow);
        var jpeg = JpegSurgery.WithExifOrientation(Jpeg(bitmap), 6); // 90° clockwise

        var image = _decoder.Decode(_decoder.EncodeThumbnail(jpeg, "rotated.jpg", 64), "thumb.jpg");

        Assert.Equal((32, 64), (image.Width, image.Height));
        AssertColor(Blue, image, 4, 4, tolerance: 16);
        AssertColor(Red, image, 27, 4, tolerance: 16);
        AssertColor(Yellow, image, 4, 59, tolerance: 16);
        AssertColor(Green, image, 27, 59, tolerance: 16);
    }

    [Fact]
    public void EncodeThumbnail_TransparentPng_IsWhite()
    {
        using var bitmap = Solid(64, 64, new SKColor(0, 0, 0, 0));

        var image = _decoder.Decode(_decoder.EncodeThumbnail(Png(bitmap), "clear.png", 32), "thumb.jpg");

        Assert.All(image.Pixels, p => Assert.InRange(p, 250, 255));
    }

    [Fact]
    public void EncodeThumbnail_SamplePhoto_IsSmallJpeg()
    {
        var (name, bytes) = Samples.First();

        var thumbnail = _decoder.EncodeThumbnail(bytes, name, 96);

        var (format, size) = Inspect(thumbnail);
        Assert.Equal(SKEncodedImageFormat.Jpeg, format);
        Assert.Equal(96, Math.Max(size.Width, size.Height));
        Assert.True(thumbnail.Length < bytes.Length);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void EncodeThumbnail_NonPositiveMaxSide_ThrowsArgumentOutOfRange(int maxSide)
    {
        using var bitmap = Solid(10, 10, Red);
        Assert.Throws<ArgumentOutOfRangeException>(() => _decoder.EncodeThumbnail(Png(bitmap), "x.png", maxSide));
    }
}
