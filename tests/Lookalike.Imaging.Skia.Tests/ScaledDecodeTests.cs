using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit.Imaging;
using SkiaSharp;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>Large JPEGs decode at the smallest k/8 scale that still covers the target, with no visible quality cost.</summary>
public sealed class ScaledDecodeTests
{
    /// <summary>Smooth gradients and a few hard-edged shapes, like a product photo.</summary>
    private static SKBitmap Photo(int width, int height) => Make(width, height, (x, y) =>
    {
        bool disc = Math.Pow(x - width * 0.4, 2) + Math.Pow(y - height * 0.5, 2) < Math.Pow(height * 0.25, 2);
        bool bar = x > width * 0.7 && x < width * 0.8;
        return disc ? new SKColor(200, 40, 40) : bar ? new SKColor(20, 20, 120)
            : new SKColor((byte)(255 * x / width), (byte)(255 * y / height), 160);
    });

    // Built once: generating 2 megapixels per test dominated the run time. Read-only after construction.
    private static readonly Lazy<(byte[] Jpeg, byte[] Png)> Big = new(() =>
    {
        using var bitmap = Photo(1600, 1200);
        return (Jpeg(bitmap, 92), Png(bitmap));
    });

    private static SKSizeI EighthsRoundedUp(SKSizeI full, float scale) =>
        new((int)Math.Ceiling(full.Width * scale), (int)Math.Ceiling(full.Height * scale));

    [Theory]
    [InlineData(224, 224, 500, 375)]   // 1/8 suffices
    [InlineData(600, 400, 1000, 750)]  // 2/8
    [InlineData(3000, 1, 3000, 2250)]  // 6/8
    [InlineData(3999, 10, 4000, 3000)] // only full size is wide enough
    [InlineData(5000, 5000, 4000, 3000)] // enlarging: full size
    public void Choose_MinimumSize_PicksSmallestScaleCoveringIt(int minWidth, int minHeight, int expectedWidth, int expectedHeight)
    {
        var full = new SKSizeI(4000, 3000);
        var chosen = ScaledDecode.Choose(full, new SKSizeI(minWidth, minHeight), s => EighthsRoundedUp(full, s));
        Assert.Equal(new SKSizeI(expectedWidth, expectedHeight), chosen);
    }

    [Theory]
    [InlineData(ResizeMode.Stretch, 400, 300)]
    [InlineData(ResizeMode.CenterCrop, 400, 300)] // needs 299x224 (shorter side 224)
    [InlineData(ResizeMode.Pad, 400, 300)]        // needs 224x168
    public void ChooseDecodeSize_LargeJpeg_DecodesAtReducedScale(ResizeMode mode, int expectedWidth, int expectedHeight)
    {
        using var image = OpenedImage.Open(Big.Value.Jpeg, "big.jpg", long.MaxValue, long.MaxValue);

        var layout = ImageFitting.Fit(image.DisplayedSize, new ImageTarget(224, 224, mode));

        Assert.Equal(new SKSizeI(expectedWidth, expectedHeight), image.ChooseDecodeSize(layout.MinimumSourceSize));
    }

    [Fact]
    public void ChooseDecodeSize_LargeJpegSmallPadTarget_UsesOneEighth()
    {
        using var image = OpenedImage.Open(Big.Value.Jpeg, "big.jpg", long.MaxValue, long.MaxValue);

        var layout = ImageFitting.Fit(image.DisplayedSize, new ImageTarget(128, 128, ResizeMode.Pad));

        Assert.Equal(new SKSizeI(200, 150), image.ChooseDecodeSize(layout.MinimumSourceSize));
    }

    [Fact]
    public void ChooseDecodeSize_RotatedJpeg_ComparesInStoredOrientation()
    {
        // Stored 1600x800, EXIF 6 → displayed 800x1600. A 300x100 stretch needs stored ≥ 100x300: 3/8 = 600x300.
        using var bitmap = Photo(1600, 800);
        var jpeg = JpegSurgery.WithExifOrientation(Jpeg(bitmap, 85), 6);
        using var image = OpenedImage.Open(jpeg, "rotated.jpg", long.MaxValue, long.MaxValue);

        var layout = ImageFitting.Fit(image.DisplayedSize, new ImageTarget(300, 100, ResizeMode.Stretch));

        Assert.Equal(new SKSizeI(600, 300), image.ChooseDecodeSize(layout.MinimumSourceSize));
    }

    [Fact]
    public void ChooseDecodeSize_Png_AlwaysFullSize()
    {
        using var bitmap = Photo(800, 600);
        using var image = OpenedImage.Open(Png(bitmap), "big.png", long.MaxValue, long.MaxValue);

        Assert.Equal(new SKSizeI(800, 600), image.ChooseDecodeSize(new SKSizeI(50, 50)));
    }

    [Theory]
    [InlineData(ResizeMode.Stretch)]
    [InlineData(ResizeMode.CenterCrop)]
    [InlineData(ResizeMode.Pad)]
    public void Decode_LargeJpegWithTarget_MatchesFullResolutionReference(ResizeMode mode)
    {
        // Reference: the same picture as a lossless PNG, resampled from full resolution.
        var decoder = Expect.Decoder();
        var target = new ImageTarget(224, 224, mode);

        var scaled = decoder.Decode(Big.Value.Jpeg, "big.jpg", target);
        var reference = decoder.Decode(Big.Value.Png, "big.png", target);

        double mad = MeanAbsoluteDifference(scaled, reference);
        Assert.True(mad < 3.0, $"mean absolute difference {mad:F2} per channel");
    }

    [Fact]
    public void EncodeThumbnail_LargeJpeg_MatchesFullResolutionReference()
    {
        var decoder = Expect.Decoder();

        var fromJpeg = decoder.Decode(decoder.EncodeThumbnail(Big.Value.Jpeg, "big.jpg", 256), "thumb-jpeg");
        var fromPng = decoder.Decode(decoder.EncodeThumbnail(Big.Value.Png, "big.png", 256), "thumb-png");

        Assert.Equal((256, 192), (fromJpeg.Width, fromJpeg.Height));
        Assert.True(MeanAbsoluteDifference(fromJpeg, fromPng) < 3.0);
    }
}
