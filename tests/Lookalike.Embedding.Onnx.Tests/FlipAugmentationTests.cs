using Lookalike.Core.Embedding;
using Lookalike.Core.Imaging;

namespace Lookalike.Embedding.Onnx.Tests;

[Collection(ResNet18Group.Name)]
public sealed class FlipAugmentationTests(ResNet18Fixture fixture)
{
    private static DecodedImage Mirror(DecodedImage image)
    {
        byte[] mirrored = new byte[image.Pixels.Length];
        for (int y = 0; y < image.Height; y++)
            for (int x = 0; x < image.Width; x++)
                image.Pixels.AsSpan((y * image.Width + image.Width - 1 - x) * 3, 3).CopyTo(mirrored.AsSpan((y * image.Width + x) * 3, 3));
        return new DecodedImage(image.Width, image.Height, mirrored);
    }

    private static bool Close(float a, float b) => Math.Abs(a - b) < 1e-5f;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_Mirror_EqualsWritingTheMirroredPhoto(bool folded)
    {
        var manifest = new ModelManifest
        {
            Name = "t", Graphs = [new ModelGraph("x.onnx", "in", "out")], InputWidth = 5, InputHeight = 3,
            ChannelOrder = ChannelOrder.Bgr, Scale = 1f / 255, Mean = [0.4f, 0.5f, 0.6f], Std = [0.2f, 0.3f, 0.25f], Dimension = 1,
        };
        var fold = folded ? new FoldedPreprocess([2, 0, 1], Enumerable.Range(0, 45).Select(i => i * 0.5f).ToArray()) : null;
        var writer = new PixelTensorWriter(manifest, fold);
        byte[] rgb = Enumerable.Range(0, 45).Select(i => (byte)(i * 37 % 256)).ToArray();
        float[] mirroredWrite = new float[45], writeOfMirror = new float[45];
        writer.Write(rgb, mirroredWrite, mirror: true);
        writer.Write(Mirror(new DecodedImage(5, 3, rgb)).Pixels, writeOfMirror);
        Assert.Equal(writeOfMirror, mirroredWrite);
    }

    [Fact]
    public void Resolve_FlipSuffix_SameNetworkOtherModelId()
    {
        using var flip = new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18+flip"));
        Assert.Equal(TestTimeAugmentation.Flip, flip.Manifest.Augmentation);
        Assert.StartsWith("resnet18+flip@", flip.Model.Value, StringComparison.Ordinal);
        Assert.NotEqual(fixture.Embedder.Model, flip.Model);
        // The plain id is the one stores made before augmentation existed carry (pinned in ModelIdTests).
        Assert.Equal(TestTimeAugmentation.None, fixture.Embedder.Manifest.Augmentation);
    }

    [Fact]
    public void Embed_Flip_IsNormalisedMeanOfPhotoAndMirror_AndMirrorInvariant()
    {
        using var flip = new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18+flip"));
        var image = fixture.Load(SampleImages.Paths(3)[2]);
        float[] plain = fixture.Embed(image), mirrored = fixture.Embed(Mirror(image));
        float[] expected = plain.Zip(mirrored, (a, b) => a + b).ToArray();
        float norm = MathF.Sqrt(expected.Sum(v => v * v));
        expected = expected.Select(v => v / norm).ToArray();

        float[] actual = new float[512], ofMirror = new float[512];
        flip.Embed(image, actual);
        flip.Embed(Mirror(image), ofMirror);
        Assert.Equal(expected, actual, Close);
        Assert.Equal(actual, ofMirror, Close);
        Assert.True(plain.Zip(mirrored).Any(p => Math.Abs(p.First - p.Second) > 1e-3f), "the photo and its mirror embed differently");
    }

    [Fact]
    public void EmbedBatch_Flip_SameVectorsAsOneByOne()
    {
        using var batched = new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18+flip"), OnnxEmbeddingOptions.ForThroughput() with { BatchSize = 2 });
        using var single = new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18+flip"), OnnxEmbeddingOptions.ForThroughput());
        var images = SampleImages.Paths(3).Select(fixture.Load).ToArray();
        float[] rows = new float[3 * 512];
        batched.EmbedBatch(images, rows);
        float[] expected = new float[512];
        for (int i = 0; i < images.Length; i++)
        {
            single.Embed(images[i], expected);
            Assert.Equal(expected, rows.AsSpan(i * 512, 512).ToArray(), (a, b) => Math.Abs(a - b) < 1e-4f);
        }
    }
}
