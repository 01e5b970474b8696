using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>Synthetic shopper photos (the cross-domain protocol's queries) from real sample photos: deterministic, seeded, a real JPEG.</summary>
public sealed class ShopperPhotoTests
{
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();
    private readonly SkiaShopperPhotoSynthesizer _synthesizer = new();

    private (DecodedImage Product, DecodedImage Background) Pair(int product, int background)
    {
        var all = Samples.AllJpegs();
        return (_decoder.Decode(File.ReadAllBytes(all[product]), all[product]), _decoder.Decode(File.ReadAllBytes(all[background]), all[background]));
    }

    [Fact]
    public void Synthesize_SameSeed_IdenticalBytes()
    {
        var (product, background) = Pair(3, 200);
        byte[] first = _synthesizer.Synthesize(product, background, seed: 17);
        byte[] again = _synthesizer.Synthesize(product, background, seed: 17);
        Assert.Equal(first, again);
    }

    [Fact]
    public void Synthesize_InParallel_SameBytesAsOneByOne()
    {
        var pairs = Enumerable.Range(0, 8).Select(i => Pair(i * 7, 249 - i * 5)).ToList();
        var sequential = pairs.Select((p, i) => _synthesizer.Synthesize(p.Product, p.Background, i)).ToList();
        var parallel = new byte[pairs.Count][];
        Parallel.For(0, pairs.Count, i => parallel[i] = _synthesizer.Synthesize(pairs[i].Product, pairs[i].Background, i));
        for (int i = 0; i < pairs.Count; i++) Assert.Equal(sequential[i], parallel[i]);
    }

    [Fact]
    public void Synthesize_OtherSeed_OtherPhoto()
    {
        var (product, background) = Pair(3, 200);
        var photos = Enumerable.Range(0, 5).Select(seed => Convert.ToHexString(_synthesizer.Synthesize(product, background, seed))).ToHashSet();
        Assert.Equal(5, photos.Count);
    }

    [Fact]
    public void Synthesize_RealPhotos_IsASquareLowQualityJpegUnlikeTheProduct()
    {
        var (product, background) = Pair(10, 100);
        byte[] photo = _synthesizer.Synthesize(product, background, seed: 5);

        Assert.Equal(new byte[] { 0xFF, 0xD8 }, photo[..2]); // JPEG SOI
        var decoded = _decoder.Decode(photo, "shopper.jpg");
        Assert.Equal((SkiaShopperPhotoSynthesizer.Side, SkiaShopperPhotoSynthesizer.Side), (decoded.Width, decoded.Height));
        // Quality 30 of a 384² photo: a few tens of KB at most (quality 85 of the same would be about twice as large).
        Assert.InRange(photo.Length, 2_000, 60_000);
        // Re-shot, not copied: the product fitted to the same size differs from the shopper photo by a wide margin.
        var productFitted = _decoder.Decode(File.ReadAllBytes(Samples.AllJpegs()[10]), "product", new ImageTarget(decoded.Width, decoded.Height, ResizeMode.Stretch));
        double meanAbsoluteDifference = decoded.Pixels.Zip(productFitted.Pixels, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanAbsoluteDifference > 10, $"mean |Δ| = {meanAbsoluteDifference:0.0}");
    }

    [Fact]
    public void Cutout_StudioPhoto_RemovesBorderConnectedWhiteOnly()
    {
        // 40×40 white backdrop, a dark 20×20 square in the middle with a white 6×6 window inside it.
        const int side = 40;
        var pixels = new byte[side * side * 3];
        Array.Fill(pixels, (byte)250);
        for (int y = 10; y < 30; y++)
        {
            for (int x = 10; x < 30; x++)
            {
                bool window = x is >= 17 and < 23 && y is >= 17 and < 23;
                pixels.AsSpan((y * side + x) * 3, 3).Fill(window ? (byte)255 : (byte)40);
            }
        }

        var alpha = ProductCutout.Alpha(new DecodedImage(side, side, pixels));

        Assert.NotNull(alpha);
        Assert.Equal(0, alpha[0]);                       // backdrop corner
        Assert.Equal(0, alpha[5 * side + 5]);
        Assert.Equal(255, alpha[12 * side + 12]);        // the product
        Assert.Equal(255, alpha[20 * side + 20]);        // white inside the product stays
        Assert.InRange(alpha[20 * side + 10], 1, 254);   // soft edge
    }

    [Fact]
    public void Cutout_PhotoWithoutStudioBackdrop_StaysOpaque()
    {
        var pixels = new byte[30 * 30 * 3];
        Array.Fill(pixels, (byte)120);
        Assert.Null(ProductCutout.Alpha(new DecodedImage(30, 30, pixels)));
        Assert.Null(ProductCutout.Alpha(new DecodedImage(30, 30, Enumerable.Repeat((byte)255, 30 * 30 * 3).ToArray()))); // blank: nothing to cut out
    }
}
