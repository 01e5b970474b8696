using System.Diagnostics;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit.Imaging;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>File-size and pixel-count limits, including decompression bombs whose headers lie.</summary>
public sealed class LimitTests
{
    [Fact]
    public void Decode_FileOverMaxFileBytes_ThrowsImageTooLarge()
    {
        var (name, bytes) = Samples.First();
        var decoder = Expect.Decoder(maxFileBytes: bytes.Length - 1);

        var ex = Expect.DecodeFailure(LookalikeErrorKind.ImageTooLarge, bytes, name, decoder: decoder);
        Assert.Contains($"{bytes.Length - 1} bytes", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_FileExactlyMaxFileBytes_Decodes()
    {
        var (name, bytes) = Samples.First();
        var image = Expect.Decoder(maxFileBytes: bytes.Length).Decode(bytes, name);
        Assert.True(image.Width > 0);
    }

    [Fact]
    public void EncodeThumbnail_FileOverMaxFileBytes_ThrowsImageTooLarge()
    {
        var (name, bytes) = Samples.First();
        Expect.ThumbnailFailure(LookalikeErrorKind.ImageTooLarge, bytes, name, Expect.Decoder(maxFileBytes: 1000));
    }

    [Fact]
    public void Decode_PngBombHeader_ThrowsImageTooLargeWithoutAllocating()
    {
        var bomb = PngWriter.Bomb(100_000, 100_000); // 10^10 pixels, 40 GB as RGBA
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();

        var ex = Expect.DecodeFailure(LookalikeErrorKind.ImageTooLarge, bomb, "bomb.png", new ImageTarget(224, 224, ResizeMode.Pad));

        Assert.Contains("100000x100000", ex.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 10_000_000, "managed pixel buffer allocated");
    }

    [Fact]
    public void Decode_GifBombHeader_ThrowsImageTooLarge() =>
        Expect.DecodeFailure(LookalikeErrorKind.ImageTooLarge, GifWriter.Bomb(65_535, 65_535), "bomb.gif");

    [Fact]
    public void Decode_JpegBombHeader_ThrowsImageTooLarge()
    {
        using var bitmap = Solid(16, 16, Red);
        var bomb = JpegSurgery.WithFrameSize(Jpeg(bitmap), 65_000, 65_000);
        Expect.DecodeFailure(LookalikeErrorKind.ImageTooLarge, bomb, "bomb.jpg");
    }

    [Fact]
    public void EncodeThumbnail_PngBombHeader_ThrowsImageTooLarge() =>
        Expect.ThumbnailFailure(LookalikeErrorKind.ImageTooLarge, PngWriter.Bomb(100_000, 100_000), "bomb.png");

    [Fact]
    public void Decode_PixelsOverConfiguredMax_ThrowsImageTooLarge()
    {
        using var bitmap = Solid(100, 100, Red);
        var ex = Expect.DecodeFailure(LookalikeErrorKind.ImageTooLarge, Png(bitmap), "big.png", decoder: Expect.Decoder(maxPixels: 9_999));
        Assert.Contains("10000 pixels", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PixelsExactlyConfiguredMax_Decodes()
    {
        using var bitmap = Solid(100, 100, Red);
        var image = Expect.Decoder(maxPixels: 10_000).Decode(Png(bitmap), "ok.png");
        Assert.Equal((100, 100), (image.Width, image.Height));
    }

    [Fact]
    public void Decode_MaxPixelsAboveArrayLimits_IsCappedBelowInt32()
    {
        // A 30000x30000 claim passes a 10^12 option but not the absolute cap (4 bytes per pixel must fit one array).
        Expect.DecodeFailure(LookalikeErrorKind.ImageTooLarge, PngWriter.Bomb(30_000, 30_000), "capped.png",
            decoder: Expect.Decoder(maxPixels: 1_000_000_000_000));
    }

    [Fact]
    public void Constructor_OptionsChangedAfterwards_KeepsOriginalLimits()
    {
        var options = new ImageDecoderOptions { MaxFileBytes = 100 };
        var decoder = new SkiaImageDecoder(options);
        options.MaxFileBytes = long.MaxValue;

        var (name, bytes) = Samples.First();
        Expect.DecodeFailure(LookalikeErrorKind.ImageTooLarge, bytes, name, decoder: decoder);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 0)]
    [InlineData(-5, 1)]
    public void Constructor_NonPositiveLimits_ThrowsArgumentOutOfRange(long maxFileBytes, long maxPixels) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new SkiaImageDecoder(new ImageDecoderOptions { MaxFileBytes = maxFileBytes, MaxPixels = maxPixels }));

    [Fact]
    public void Constructor_NullOptions_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => new SkiaImageDecoder(null!));
}
