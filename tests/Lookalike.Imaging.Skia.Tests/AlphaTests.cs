using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;
using SkiaSharp;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>Transparency is composited over white, both on the 1:1 path and the resampling path.</summary>
public sealed class AlphaTests
{
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();

    public static TheoryData<string> Paths => new() { "full-size", "resized" };

    private DecodedImage DecodeVia(string path, byte[] data, string name) => path == "full-size"
        ? _decoder.Decode(data, name)
        : _decoder.Decode(data, name, new ImageTarget(24, 24, ResizeMode.Stretch));

    [Theory]
    [MemberData(nameof(Paths))]
    public void Decode_FullyTransparentPng_IsWhite(string path)
    {
        using var bitmap = Solid(40, 40, new SKColor(10, 200, 30, 0));

        var image = DecodeVia(path, Png(bitmap), "clear.png");

        Assert.All(image.Pixels, p => Assert.Equal(255, p));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Decode_HalfTransparentRedPng_IsPink(string path)
    {
        using var bitmap = Solid(40, 40, new SKColor(255, 0, 0, 128));

        var image = DecodeVia(path, Png(bitmap), "pink.png");

        // 50% red over white: (255, 127, 127) give or take premultiplication rounding.
        AssertColor(new SKColor(255, 127, 127), image, 12, 12, tolerance: 2);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Decode_TransparentWebp_IsWhite(string path)
    {
        using var bitmap = Make(40, 40, (x, _) => x < 20 ? new SKColor(0, 0, 0, 0) : Black);

        var image = DecodeVia(path, WebpLossless(bitmap), "half-clear.webp");

        int leftX = path == "full-size" ? 5 : 3, rightX = path == "full-size" ? 35 : 21;
        AssertColor(White, image, leftX, 10);
        AssertColor(Black, image, rightX, 10, tolerance: 2);
    }

    [Fact]
    public void Decode_OpaqueImage_IsUnchangedByCompositing()
    {
        using var bitmap = Make(16, 16, (x, y) => new SKColor((byte)(x * 16), (byte)(y * 16), 77));

        var image = _decoder.Decode(Png(bitmap), "opaque.png");

        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++)
                AssertColor(new SKColor((byte)(x * 16), (byte)(y * 16), 77), image, x, y);
    }
}
