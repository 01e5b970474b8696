using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit;
using Lookalike.TestKit.Imaging;
using SkiaSharp;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>
/// JPEG pixels through the system libjpeg-turbo must be exactly Skia's: every photo, variant and scale decoded both
/// ways. The tests of this class are the only ones that turn the library off (xunit runs a class's tests one at a time).
/// </summary>
public sealed class TurboJpegTests
{
    private static readonly string Variants = Path.Combine(AppContext.BaseDirectory, "Fixtures", "jpeg-variants");
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();

    [SkippableFact]
    public void SystemLibrary_IsInstalled()
    {
        Require.That(TurboJpeg.IsActive, "libturbojpeg.so.0 (Debian: libturbojpeg0) is not installed; JPEGs decode through Skia's slower copy");
        Assert.Contains("SIMD", TurboJpeg.Description, StringComparison.Ordinal);
    }

    public static TheoryData<string> VariantFiles() =>
        [.. new[] { "ycc420", "ycc444", "ycc422", "ycc440", "ycc411", "progressive", "grayscale", "arithmetic", "restart", "quality30", "rgb" }];

    [SkippableTheory]
    [MemberData(nameof(VariantFiles))]
    public void DecodePremul_EveryEighthScale_SameBytesAsSkia(string name)
    {
        RequireLibrary();
        var bytes = File.ReadAllBytes(Path.Combine(Variants, name + ".jpg"));
        using var image = OpenedImage.Open(bytes, name, long.MaxValue, long.MaxValue);
        Assert.Equal((141, 243), (image.StoredSize.Width, image.StoredSize.Height));

        for (int k = 1; k <= 8; k++)
        {
            var size = new SKSizeI((141 * k + 7) / 8, (243 * k + 7) / 8);
            var (turbo, skia) = BothWays(() => Pixels(image.DecodePremul(size)));
            Assert.True(skia.SequenceEqual(turbo), $"{name} at {k}/8 ({size.Width}x{size.Height}) differs from Skia");
        }

        // RGB-coded files are left to Skia; the YCbCr and greyscale ones are decoded by the library itself.
        Assert.Equal(name != "rgb", TakenByLibrary(bytes));
    }

    [SkippableFact]
    public void Decode_EverySamplePhoto_SameBytesAsSkia()
    {
        RequireLibrary();
        var target = new ImageTarget(224, 224, ResizeMode.CenterCrop);
        foreach (var path in Samples.AllJpegs())
        {
            var bytes = File.ReadAllBytes(path);
            Assert.True(TakenByLibrary(bytes), $"{path} was left to Skia");
            AssertSameAsSkia(bytes, path, null);
            AssertSameAsSkia(bytes, path, target);
        }
    }

    [SkippableTheory]
    [InlineData("products")]
    [InlineData("clothing")]
    [InlineData("interactions")]
    public void Decode_DatasetPhotos_SameBytesAsSkia(string dataset)
    {
        RequireLibrary();
        var images = Path.Combine(Require.SharedDataset(dataset), "images");
        var paths = Directory.GetFiles(images, "*.jpg").Order(StringComparer.Ordinal).Take(300).ToArray();
        Assert.Equal(300, paths.Length);
        var target = new ImageTarget(224, 224, ResizeMode.Pad);
        foreach (var path in paths)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.True(TakenByLibrary(bytes), $"{path} was left to Skia");
            AssertSameAsSkia(bytes, path, target);
        }
    }

    [SkippableFact]
    public void Decode_LargePhoto_ScaledDecode_SameBytesAsSkia()
    {
        RequireLibrary();
        // 1600×1200 fitted to 224: the decoder picks a k/8 DCT scale, and the library must scale exactly as Skia does.
        var (_, sample) = Samples.First();
        using var small = SKBitmap.Decode(sample);
        using var large = small.Resize(new SKImageInfo(1600, 1200), new SKSamplingOptions(SKCubicResampler.Mitchell));
        var jpeg = Encode(large);

        Assert.True(TakenByLibrary(jpeg));
        foreach (var mode in Enum.GetValues<ResizeMode>())
            AssertSameAsSkia(jpeg, "large.jpg", new ImageTarget(224, 224, mode));
    }

    [SkippableTheory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(8)]
    public void Decode_ExifOrientedJpeg_SameBytesAsSkia(ushort orientation)
    {
        RequireLibrary();
        // Orientation 1 takes the straight-to-RGB road; the others decode to RGBA and are drawn rotated.
        var (_, sample) = Samples.First();
        var jpeg = JpegSurgery.WithExifOrientation(sample, orientation);
        AssertSameAsSkia(jpeg, "oriented.jpg", null);
        AssertSameAsSkia(jpeg, "oriented.jpg", new ImageTarget(224, 224, ResizeMode.CenterCrop));
    }

    [SkippableFact]
    public void Decode_IccTaggedJpeg_IsLeftToSkia()
    {
        RequireLibrary();
        // Skia converts an embedded profile to sRGB; the library would not, so such files must not reach it.
        var p3 = SKColorSpace.CreateRgb(SKColorSpaceTransferFn.Srgb, SKColorSpaceXyz.DisplayP3);
        using var bitmap = new SKBitmap(new SKImageInfo(64, 48, SKColorType.Rgba8888, SKAlphaType.Premul, p3));
        bitmap.Erase(new SKColor(60, 170, 90));
        var jpeg = Encode(bitmap); // the encoder embeds the bitmap's profile

        Assert.True(TurboJpeg.HasIccProfile(jpeg));
        Assert.False(TakenByLibrary(jpeg));
        AssertSameAsSkia(jpeg, "p3.jpg", null);
    }

    [SkippableTheory]
    [InlineData(0.3)]
    [InlineData(0.7)]
    [InlineData(0.95)]
    public void Decode_TruncatedJpeg_IsLeftToSkia_AndStaysAnError(double fraction)
    {
        RequireLibrary();
        var (_, sample) = Samples.First();
        var cut = Damage.Truncate(sample, (int)(sample.Length * fraction));

        Assert.False(TakenByLibrary(cut)); // the library's "premature end" warning hands the file to Skia
        Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, cut, "cut.jpg");
    }

    [Fact]
    public void HasIccProfile_ReadsTheMarkersBeforeTheScan()
    {
        var (_, sample) = Samples.First();
        Assert.False(TurboJpeg.HasIccProfile(sample));
        Assert.Null(TurboJpeg.HasIccProfile([0x89, 0x50, 0x4E, 0x47]));          // not a JPEG
        Assert.Null(TurboJpeg.HasIccProfile(sample.AsSpan(0, 40)));                // markers cut off before the scan
        Assert.Null(TurboJpeg.HasIccProfile([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01])); // a length shorter than itself
    }

    [Theory]
    [InlineData(141, 243, 141, 243, true)]
    [InlineData(141, 243, 18, 31, true)]   // 1/8, rounded up
    [InlineData(141, 243, 53, 92, true)]   // 3/8
    [InlineData(141, 243, 70, 121, false)] // half, rounded down: not what either library makes
    [InlineData(141, 243, 282, 486, false)] // upscaling is never asked of the library
    public void IsEighthScale_OnlyTheSizesBothLibrariesMake(int width, int height, int w, int h, bool expected) =>
        Assert.Equal(expected, TurboJpeg.IsEighthScale(width, height, new SKSizeI(w, h)));

    private static void RequireLibrary() =>
        Require.That(TurboJpeg.IsActive || !TurboJpeg.Enabled, "libturbojpeg.so.0 (Debian: libturbojpeg0) is not installed");

    private void AssertSameAsSkia(byte[] bytes, string name, ImageTarget? target)
    {
        var (turbo, skia) = BothWays(() => _decoder.Decode(bytes, name, target).Pixels);
        Assert.True(skia.AsSpan().SequenceEqual(turbo), $"{name} ({target?.ToString() ?? "full size"}) differs from Skia");
    }

    private static bool TakenByLibrary(byte[] jpeg)
    {
        using var codec = SKCodec.Create(SKData.CreateCopy(jpeg));
        var size = codec.Info.Size;
        var pixels = new byte[size.Width * size.Height * 4];
        unsafe
        {
            fixed (byte* p = pixels)
                return TurboJpeg.TryDecodeRgba(jpeg, size, (nint)p, size.Width * 4);
        }
    }

    private static (byte[] Turbo, byte[] Skia) BothWays(Func<byte[]> decode)
    {
        var turbo = decode();
        TurboJpeg.Enabled = false;
        try
        {
            return (turbo, decode());
        }
        finally
        {
            TurboJpeg.Enabled = true;
        }
    }

    private static byte[] Pixels(SKBitmap bitmap)
    {
        using (bitmap)
            return bitmap.GetPixelSpan().ToArray();
    }

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(SKEncodedImageFormat.Jpeg, 90) ?? throw new InvalidOperationException("JPEG encoding failed");
        return data.ToArray();
    }
}
