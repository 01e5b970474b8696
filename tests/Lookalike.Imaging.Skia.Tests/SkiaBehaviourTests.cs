using Lookalike.Core.Errors;
using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit.Imaging;
using SkiaSharp;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>
/// Characterises the pinned SkiaSharp (3.119.4) where it differs from what a caller would assume. If an upgrade
/// changes one of these, re-check the decision in the adapter that depends on it.
/// </summary>
public sealed class SkiaBehaviourTests
{
    private static byte[] Detailed(SKEncodedImageFormat format)
    {
        using var bitmap = Make(160, 120, (x, y) => new SKColor((byte)(x * 7 ^ y * 3), (byte)(x * y), (byte)(x + y * 5)));
        return Encode(bitmap, format, 90);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Webp)]
    public void SkiaGetPixels_TruncatedFile_ReportsIncompleteInputAndSKBitmapDecodeStillSucceeds(SKEncodedImageFormat format)
    {
        var full = Detailed(format);
        var cut = Damage.Truncate(full, full.Length / 2);

        using (var codec = SKCodec.Create(SKData.CreateCopy(cut)))
        {
            var info = new SKImageInfo(160, 120, SKColorType.Rgba8888, SKAlphaType.Premul);
            Assert.Equal(SKCodecResult.IncompleteInput, codec.GetPixels(info, new byte[info.BytesSize]));
        }
        using var silentlyPartial = SKBitmap.Decode(cut);
        Assert.NotNull(silentlyPartial); // the trap: a half-filled picture, no error

        var ex = Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, cut, "half." + format); // the adapter refuses it
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SkiaCodecCreate_BytesStartingWithTwoZeros_AreSniffedAsWbmpAndRefused()
    {
        var data = new byte[4096];
        new Random(7).NextBytes(data);
        data[0] = 0; // WBMP type 0, fixed header 0, then varint width/height: almost anything passes
        data[1] = 0;
        data[2] = 10;
        data[3] = 10;
        using (var codec = SKCodec.Create(SKData.CreateCopy(data)))
            Assert.Equal(SKEncodedImageFormat.Wbmp, codec?.EncodedFormat);

        Expect.DecodeFailure(LookalikeErrorKind.UnsupportedImage, data, "noise.bin");
    }

    [Fact]
    public void SkiaGetScaledDimensions_Jpeg_RoundsUpEighths()
    {
        using var bitmap = Solid(1601, 1203, Red);
        using var codec = SKCodec.Create(SKData.CreateCopy(Jpeg(bitmap, 80)));

        Assert.Equal(new SKSizeI(201, 151), codec.GetScaledDimensions(1 / 8f));
        Assert.Equal(new SKSizeI(401, 301), codec.GetScaledDimensions(2 / 8f));
        Assert.Equal(new SKSizeI(1601, 1203), codec.GetScaledDimensions(1f));
    }

    [Fact]
    public void SkiaGetPixels_ExifOrientedJpeg_ReturnsStoredPixelsUnrotated()
    {
        using var bitmap = Solid(64, 32, Red);
        var jpeg = JpegSurgery.WithExifOrientation(Jpeg(bitmap), 6);
        using var codec = SKCodec.Create(SKData.CreateCopy(jpeg));

        Assert.Equal(SKEncodedOrigin.RightTop, codec.EncodedOrigin);
        Assert.Equal(new SKSizeI(64, 32), codec.Info.Size); // rotation is the adapter's job
    }
}
