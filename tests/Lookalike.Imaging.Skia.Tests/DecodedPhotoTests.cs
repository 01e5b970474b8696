using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit.Imaging;
using SkiaSharp;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>
/// A photo opened once (<see cref="SkiaImageDecoder.Open"/>) gives every fit the exact pixels a decode of its own gives:
/// the views of a photo query are cut from one decode without changing the query.
/// </summary>
public sealed class DecodedPhotoTests
{
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();

    /// <summary>The fits a photo query asks for: the whole photo, the zoom and a corner (as the query views cut them), and other modes and sizes.</summary>
    private static ImageTarget[] ViewTargets(int width, int height)
    {
        var model = new ImageTarget(224, 224, ResizeMode.CenterCrop);
        var (fw, fh) = QueryViews.ZoomFractions(width, height);
        return
        [
            model,
            model with { Box = QueryViews.ZoomBox(width, height), LinearUpscale = true },
            model with { Box = new ImageBox(1 - fw, 1 - fh, fw, fh, Fractions: true) },
            new ImageTarget(64, 64, ResizeMode.Stretch),
            new ImageTarget(300, 200, ResizeMode.Pad) { Box = new ImageBox(0.1, 0.2, 0.5, 0.6, Fractions: true) },
        ];
    }

    private void AssertEveryFitAsItsOwnDecode(byte[] bytes, string name)
    {
        using var photo = _decoder.Open(bytes, name);
        var whole = _decoder.Decode(bytes, name);
        Assert.Equal((whole.Width, whole.Height), (photo.Width, photo.Height));
        foreach (var target in ViewTargets(photo.Width, photo.Height))
        {
            var alone = _decoder.Decode(bytes, name, target);
            var cut = photo.Fit(target);
            Assert.Equal((alone.Width, alone.Height, alone.SourceWidth, alone.SourceHeight), (cut.Width, cut.Height, cut.SourceWidth, cut.SourceHeight));
            Assert.True(alone.Pixels.AsSpan().SequenceEqual(cut.Pixels), $"{name}: the fit {target} differs from its own decode");
        }
    }

    [Fact]
    public void Fit_RealPhotos_EveryViewEqualsItsOwnDecode()
    {
        foreach (var path in Samples.AllJpegs().Where((_, i) => i % 10 == 0))
            AssertEveryFitAsItsOwnDecode(File.ReadAllBytes(path), path);
    }

    [Fact]
    public void LinearUpscale_ChangesOnlyEnlargements()
    {
        // 100×80 enlarged to 224×224: bilinear instead of Mitchell cubic, close but not the same pixels.
        using var small = Make(100, 80, (x, y) => new SKColor((byte)(x * 37 % 256), (byte)(y * 53 % 256), (byte)((x * y) & 0xFF)));
        byte[] smallJpeg = Jpeg(small, 95);
        var target = new ImageTarget(224, 224, ResizeMode.CenterCrop);
        var cubic = _decoder.Decode(smallJpeg, "small.jpg", target);
        var linear = _decoder.Decode(smallJpeg, "small.jpg", target with { LinearUpscale = true });
        Assert.False(cubic.Pixels.AsSpan().SequenceEqual(linear.Pixels), "an enlargement with LinearUpscale drew the same pixels as Mitchell");
        double meanDifference = cubic.Pixels.Zip(linear.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.InRange(meanDifference, 0.01, 12);

        // 800×600 shrunk to 224×224: the flag changes nothing.
        using var large = Make(800, 600, (x, y) => new SKColor((byte)(x * 255 / 800), (byte)(y * 255 / 600), (byte)((x ^ y) & 0xFF)));
        byte[] largeJpeg = Jpeg(large, 90);
        Assert.Equal(_decoder.Decode(largeJpeg, "large.jpg", target).Pixels, _decoder.Decode(largeJpeg, "large.jpg", target with { LinearUpscale = true }).Pixels);
    }

    [Fact]
    public void Fit_LargeJpegAtReducedScales_RotatedJpeg_TransparentPng_EqualTheirOwnDecodes()
    {
        // 2400×1800: the whole photo fits from a 1/8 decode, the zoom and the pad box need larger scales — each decode
        // size is decoded once and each fit drawn from its own size, as a lone decode would.
        using var big = Make(2400, 1800, (x, y) => new SKColor((byte)(x * 255 / 2400), (byte)(y * 255 / 1800), (byte)((x ^ y) & 0xFF)));
        AssertEveryFitAsItsOwnDecode(Jpeg(big, 90), "big.jpg");
        AssertEveryFitAsItsOwnDecode(JpegSurgery.WithExifOrientation(Jpeg(big, 90), 6), "rotated.jpg");
        using var clear = Make(300, 200, (x, y) => new SKColor(200, 30, 30, (byte)(x < 150 ? 255 : y)));
        AssertEveryFitAsItsOwnDecode(Png(clear), "alpha.png");
    }

    [Fact]
    public void Fit_FromManyThreadsAtOnce_EachEqualsItsOwnDecode()
    {
        var (name, bytes) = Samples.First();
        using var photo = _decoder.Open(bytes, name);
        var targets = ViewTargets(photo.Width, photo.Height);
        var cuts = new DecodedImage[targets.Length * 4];
        Parallel.For(0, cuts.Length, i => cuts[i] = photo.Fit(targets[i % targets.Length]));
        for (int i = 0; i < cuts.Length; i++)
            Assert.Equal(_decoder.Decode(bytes, name, targets[i % targets.Length]).Pixels, cuts[i].Pixels);
    }

    [Fact]
    public void Open_ReadsTheHeaderOnly_ATruncatedPhotoFailsAtItsFirstFit_NamingTheFile()
    {
        var (_, bytes) = Samples.First();
        var cut = Damage.Truncate(bytes, bytes.Length / 2);
        using var photo = _decoder.Open(cut, "half.jpg");
        Assert.True(photo.Width > 0 && photo.Height > 0);
        Expect.Failure(LookalikeErrorKind.CorruptImage, "half.jpg", () => photo.Fit(new ImageTarget(224, 224, ResizeMode.CenterCrop)));
        Expect.Failure(LookalikeErrorKind.UnsupportedImage, "text.jpg", () => _decoder.Open("not an image"u8, "text.jpg"));
    }

    [Fact]
    public void Fit_ABoxOutsideThePhoto_IsRefusedNamingTheBox_AndAfterDisposeFitsAreRefused()
    {
        var (name, bytes) = Samples.First();
        var photo = _decoder.Open(bytes, name);
        var ex = Assert.Throws<LookalikeException>(() => photo.Fit(new ImageTarget(224, 224, ResizeMode.CenterCrop) { Box = new ImageBox(0.5, 0.5, 0.9, 0.9, Fractions: true) }));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, ex.Kind);
        photo.Dispose();
        Assert.Throws<ObjectDisposedException>(() => photo.Fit(new ImageTarget(224, 224, ResizeMode.CenterCrop)));
    }

    [Fact]
    public void Rgb24_RowsWithAndWithoutTransparency_EqualThePerPixelFormula()
    {
        // Opaque runs take the 4-pixel shuffle, a transparent pixel sends the rest of the row the per-pixel way:
        // both must give c + (255 − a), clamped, for every width.
        var random = new Random(7);
        for (int width = 1; width <= 23; width++)
        {
            foreach (int transparentFrom in new[] { -1, 0, width / 2, width - 1 })
            {
                var row = new byte[width * 4];
                for (int x = 0; x < width; x++)
                {
                    byte a = x >= transparentFrom && transparentFrom >= 0 ? (byte)random.Next(256) : (byte)255;
                    row[4 * x + 3] = a;
                    for (int c = 0; c < 3; c++) row[4 * x + c] = (byte)random.Next(a + 1);
                }
                if (width > 2) row[4 * 1] = 255; // c > a: the clamp
                var expected = new byte[width * 3];
                for (int x = 0; x < width; x++)
                    for (int c = 0; c < 3; c++)
                        expected[3 * x + c] = (byte)Math.Min(row[4 * x + c] + 255 - row[4 * x + 3], 255);
                var actual = new byte[width * 3];
                Rgb24.ConvertRow(row, actual);
                Assert.Equal(expected, actual);
            }
        }
    }
}
