using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit.Imaging;
using SkiaSharp;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>The 250 real CC0 photos under samples/images: all decode, fit, and decode identically in parallel.</summary>
public sealed class SampleTests
{
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();

    [Fact]
    public void Decode_EverySamplePhoto_ReturnsHeaderSizeAndRealContent()
    {
        var paths = Samples.AllJpegs();
        Assert.Equal(250, paths.Length);
        foreach (var path in paths)
        {
            var bytes = File.ReadAllBytes(path);
            SKSizeI expected;
            using (var codec = SKCodec.Create(SKData.CreateCopy(bytes)))
                expected = Orientation.Displayed(codec.Info.Size, codec.EncodedOrigin);

            var image = _decoder.Decode(bytes, path);

            Assert.Equal((expected.Width, expected.Height), (image.Width, image.Height));
            Assert.True(DistinctValues(image.Pixels) > 16, $"{path} decoded to a flat image");
        }
    }

    private static int DistinctValues(byte[] pixels)
    {
        Span<bool> seen = stackalloc bool[256];
        foreach (byte p in pixels)
            seen[p] = true;
        return seen.Count(true);
    }

    public static TheoryData<string, ResizeMode> SomeSamplesEveryMode()
    {
        var data = new TheoryData<string, ResizeMode>();
        foreach (var name in Samples.Every(25))
            foreach (var mode in Enum.GetValues<ResizeMode>())
                data.Add(name, mode);
        return data;
    }

    [Theory]
    [MemberData(nameof(SomeSamplesEveryMode))]
    public void Decode_SamplePhotoWithTarget_ReturnsTargetSize(string fileName, ResizeMode mode)
    {
        var image = _decoder.Decode(Samples.Read(fileName), fileName, new ImageTarget(224, 224, mode));

        Assert.Equal((224, 224), (image.Width, image.Height));
    }

    [Fact]
    public void Decode_SamplePhotoPadded_HasWhiteBarsOnTheNarrowSide()
    {
        // Sample photos are portrait or landscape, rarely square: Pad leaves pure white along the short sides.
        var path = Samples.AllJpegs().First(p =>
        {
            using var codec = SKCodec.Create(SKData.CreateCopy(File.ReadAllBytes(p)));
            return codec.Info.Height > codec.Info.Width * 1.3;
        });

        var image = _decoder.Decode(File.ReadAllBytes(path), path, new ImageTarget(100, 100, ResizeMode.Pad));

        for (int y = 0; y < 100; y += 11)
        {
            Pictures.AssertColor(Pictures.White, image, 0, y);
            Pictures.AssertColor(Pictures.White, image, 99, y);
        }
    }

    [Fact]
    public void Decode_ConcurrentCalls_MatchSequentialResults()
    {
        var inputs = Samples.AllJpegs().Select(p => (Name: p, Bytes: File.ReadAllBytes(p))).ToArray();
        var target = new ImageTarget(96, 96, ResizeMode.CenterCrop);
        var sequential = inputs.Select(i => _decoder.Decode(i.Bytes, i.Name, target).Pixels).ToArray();

        // Every photo twice, four threads, thumbnails interleaved on the same decoder instance.
        var results = new byte[inputs.Length * 2][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var (name, bytes) = inputs[k % inputs.Length];
            if (k % 5 == 0)
                Assert.NotEmpty(_decoder.EncodeThumbnail(bytes, name, 64));
            results[k] = _decoder.Decode(bytes, name, target).Pixels;
        });

        for (int k = 0; k < results.Length; k++)
            Assert.Equal(sequential[k % inputs.Length], results[k]);
    }
}
