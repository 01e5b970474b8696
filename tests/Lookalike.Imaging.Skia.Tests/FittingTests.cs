using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;
using SkiaSharp;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>Each <see cref="ResizeMode"/> yields exactly the target size with the content where it belongs.</summary>
public sealed class FittingTests
{
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();

    public static TheoryData<ResizeMode, int, int, int, int> SizeCases()
    {
        var data = new TheoryData<ResizeMode, int, int, int, int>();
        (int W, int H)[] sources = [(300, 100), (100, 300), (128, 128), (1, 1), (37, 5)];
        (int W, int H)[] targets = [(224, 224), (1, 1), (7, 300), (300, 7), (517, 383)];
        foreach (var mode in Enum.GetValues<ResizeMode>())
            foreach (var s in sources)
                foreach (var t in targets)
                    data.Add(mode, s.W, s.H, t.W, t.H);
        return data;
    }

    [Theory]
    [MemberData(nameof(SizeCases))]
    public void Decode_AnyModeAndShape_ReturnsExactTargetSize(ResizeMode mode, int sourceWidth, int sourceHeight, int targetWidth, int targetHeight)
    {
        using var bitmap = Solid(sourceWidth, sourceHeight, Green);

        var image = _decoder.Decode(Png(bitmap), "shape.png", new ImageTarget(targetWidth, targetHeight, mode));

        Assert.Equal((targetWidth, targetHeight), (image.Width, image.Height));
        Assert.Equal(targetWidth * targetHeight * 3, image.Pixels.Length);
    }

    [Fact]
    public void Decode_Stretch_ScalesEachAxisIndependently()
    {
        using var bitmap = Make(200, 100, (x, _) => x < 100 ? Red : Blue);

        var image = _decoder.Decode(Png(bitmap), "halves.png", new ImageTarget(50, 50, ResizeMode.Stretch));

        for (int y = 0; y < 50; y += 7)
        {
            AssertColor(Red, image, 3, y, tolerance: 2);
            AssertColor(Red, image, 21, y, tolerance: 2);
            AssertColor(Blue, image, 28, y, tolerance: 2);
            AssertColor(Blue, image, 46, y, tolerance: 2);
        }
    }

    [Fact]
    public void Decode_CenterCropWide_KeepsTheMiddleThird()
    {
        using var bitmap = Make(300, 100, (x, _) => x < 100 ? Red : x < 200 ? Green : Blue);

        var image = _decoder.Decode(Png(bitmap), "thirds.png", new ImageTarget(64, 64, ResizeMode.CenterCrop));

        for (int x = 2; x < 62; x++)
            AssertColor(Green, image, x, 32, tolerance: 2);
        AssertColor(Green, image, 32, 0, tolerance: 2);
        AssertColor(Green, image, 32, 63, tolerance: 2);
    }

    [Fact]
    public void Decode_CenterCropTall_KeepsTheMiddleThird()
    {
        using var bitmap = Make(100, 300, (_, y) => y < 100 ? Red : y < 200 ? Green : Blue);

        var image = _decoder.Decode(Png(bitmap), "thirds-tall.png", new ImageTarget(48, 48, ResizeMode.CenterCrop));

        for (int y = 2; y < 46; y++)
            AssertColor(Green, image, 24, y, tolerance: 2);
    }

    [Fact]
    public void Decode_PadWide_LeavesWhiteBarsAboveAndBelow()
    {
        using var bitmap = Solid(200, 100, Red);

        var image = _decoder.Decode(Png(bitmap), "wide.png", new ImageTarget(64, 64, ResizeMode.Pad));

        // Content is 64x32, centred: rows 16..47.
        for (int x = 0; x < 64; x += 9)
        {
            for (int y = 0; y < 16; y++)
                AssertColor(White, image, x, y);
            for (int y = 16; y < 48; y++)
                AssertColor(Red, image, x, y, tolerance: 2);
            for (int y = 48; y < 64; y++)
                AssertColor(White, image, x, y);
        }
    }

    [Fact]
    public void Decode_PadTall_LeavesWhiteBarsLeftAndRight()
    {
        using var bitmap = Solid(50, 100, Blue);

        var image = _decoder.Decode(Png(bitmap), "tall.png", new ImageTarget(40, 40, ResizeMode.Pad));

        // Content is 20x40, centred: columns 10..29.
        for (int y = 0; y < 40; y += 5)
        {
            AssertColor(White, image, 0, y);
            AssertColor(White, image, 9, y);
            AssertColor(Blue, image, 10, y, tolerance: 2);
            AssertColor(Blue, image, 29, y, tolerance: 2);
            AssertColor(White, image, 30, y);
            AssertColor(White, image, 39, y);
        }
    }

    [Fact]
    public void Decode_PadSameAspect_HasNoBars()
    {
        using var bitmap = Solid(120, 60, Red);

        var image = _decoder.Decode(Png(bitmap), "same.png", new ImageTarget(40, 20, ResizeMode.Pad));

        AssertColor(Red, image, 0, 0, tolerance: 2);
        AssertColor(Red, image, 39, 19, tolerance: 2);
    }

    [Fact]
    public void Decode_PadKeepsContentOrientation_LeftStaysLeft()
    {
        using var bitmap = Make(200, 100, (x, _) => x < 100 ? Red : Blue);

        var image = _decoder.Decode(Png(bitmap), "halves.png", new ImageTarget(64, 64, ResizeMode.Pad));

        AssertColor(Red, image, 8, 32, tolerance: 2);
        AssertColor(Blue, image, 56, 32, tolerance: 2);
    }

    [Fact]
    public void Decode_SmallImageToLargeTarget_Enlarges()
    {
        using var bitmap = Quadrants(8, 8, Red, Green, Blue, Yellow);

        var image = _decoder.Decode(Png(bitmap), "tiny.png", new ImageTarget(96, 96, ResizeMode.Stretch));

        AssertColor(Red, image, 10, 10, tolerance: 4);
        AssertColor(Green, image, 85, 10, tolerance: 4);
        AssertColor(Blue, image, 10, 85, tolerance: 4);
        AssertColor(Yellow, image, 85, 85, tolerance: 4);
    }

    [Fact]
    public void Decode_TargetEqualToSource_IsExactCopy()
    {
        using var bitmap = Make(33, 17, (x, y) => new SKColor((byte)(x * 7), (byte)(y * 13), (byte)(x ^ y)));
        var png = Png(bitmap);

        var full = _decoder.Decode(png, "same.png");
        foreach (var mode in Enum.GetValues<ResizeMode>())
            Assert.Equal(full.Pixels, _decoder.Decode(png, "same.png", new ImageTarget(33, 17, mode)).Pixels);
    }

    [Fact]
    public void Decode_FineCheckerboardShrunkEightfold_AveragesToGreyWithoutAliasing()
    {
        // 1-pixel checkerboard, reduced by a non-integer factor (512 → 60): a 2x2/4x4-tap filter would alias into
        // black/white patterns; mipmaps average it to mid grey.
        using var bitmap = Make(512, 512, (x, y) => ((x + y) & 1) == 0 ? Black : White);

        var image = _decoder.Decode(Png(bitmap), "checker.png", new ImageTarget(60, 60, ResizeMode.Stretch));

        Assert.All(image.Pixels, p => Assert.InRange(p, 100, 156));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(10, 0)]
    [InlineData(8193, 10)]
    [InlineData(10, -1)]
    public void Decode_TargetOutOfRange_ThrowsArgumentOutOfRange(int width, int height)
    {
        using var bitmap = Solid(10, 10, Red);
        Assert.Throws<ArgumentOutOfRangeException>(() => _decoder.Decode(Png(bitmap), "x.png", new ImageTarget(width, height, ResizeMode.Pad)));
    }

    [Fact]
    public void Decode_UnknownResizeMode_ThrowsArgumentOutOfRange()
    {
        using var bitmap = Solid(10, 10, Red);
        Assert.Throws<ArgumentOutOfRangeException>(() => _decoder.Decode(Png(bitmap), "x.png", new ImageTarget(5, 5, (ResizeMode)42)));
    }

    [Fact]
    public void Fit_CenterCrop_DestinationCoversCanvasAndOverflowsEvenly()
    {
        var layout = ImageFitting.Fit(new SKSizeI(400, 100), new ImageTarget(50, 50, ResizeMode.CenterCrop));

        Assert.Equal(new SKSizeI(50, 50), layout.Canvas);
        Assert.Equal(SKRect.Create(-75, 0, 200, 50), layout.Destination);
        Assert.Equal(new SKSizeI(200, 50), layout.MinimumSourceSize);
    }

    [Fact]
    public void Fit_Pad_ContentBoxIsWholePixelsAndCentred()
    {
        var layout = ImageFitting.Fit(new SKSizeI(301, 100), new ImageTarget(64, 64, ResizeMode.Pad));

        Assert.Equal(SKRect.Create(0, 21, 64, 21), layout.Destination);
    }

    [Theory]
    [InlineData(1000, 500, 256, 256, 128)]
    [InlineData(500, 1000, 256, 128, 256)]
    [InlineData(100, 50, 256, 100, 50)]  // never enlarged
    [InlineData(256, 256, 256, 256, 256)]
    [InlineData(5000, 1, 100, 100, 1)]   // never collapses to zero
    public void FitInside_AnySize_LongerSideAtMostMaxSide(int width, int height, int maxSide, int expectedWidth, int expectedHeight)
    {
        var layout = ImageFitting.FitInside(new SKSizeI(width, height), maxSide);
        Assert.Equal(new SKSizeI(expectedWidth, expectedHeight), layout.Canvas);
    }
}
