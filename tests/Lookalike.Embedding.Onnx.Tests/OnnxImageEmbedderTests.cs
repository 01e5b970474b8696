using System.Numerics.Tensors;
using Lookalike.Core.Imaging;

namespace Lookalike.Embedding.Onnx.Tests;

[Collection(ResNet18Group.Name)]
public sealed class OnnxImageEmbedderTests(ResNet18Fixture fixture)
{
    private readonly OnnxImageEmbedder _embedder = fixture.Embedder;

    [Fact]
    public void BuiltIn_Properties_DescribeResNet18()
    {
        Assert.Equal(512, _embedder.Dimension);
        Assert.Equal(new ImageTarget(224, 224, ResizeMode.CenterCrop), _embedder.Target);
        Assert.Matches("^resnet18@[0-9a-f]{8}$", _embedder.Model.Value);
    }

    [Fact]
    public void Embed_SameImageTwice_IdenticalVectors()
    {
        DecodedImage image = fixture.Load(SampleImages.Paths(1)[0]);
        Assert.Equal(fixture.Embed(image), fixture.Embed(image));
    }

    [Fact]
    public void Embed_Samples_UnitNormDimension512()
    {
        foreach (string path in SampleImages.Paths(5))
        {
            float[] vector = fixture.Embed(fixture.Load(path));
            Assert.Equal(512, vector.Length);
            Assert.Equal(1f, TensorPrimitives.Norm(vector), 1e-5f);
            Assert.All(vector, v => Assert.True(float.IsFinite(v)));
        }
    }

    [Fact]
    public void Embed_DifferentImages_CosineBelowOne()
    {
        IReadOnlyList<string> paths = SampleImages.Paths(4);
        float[][] vectors = paths.Select(p => fixture.Embed(fixture.Load(p))).ToArray();
        for (int i = 0; i < vectors.Length; i++)
            for (int j = i + 1; j < vectors.Length; j++)
                Assert.InRange(TensorPrimitives.Dot<float>(vectors[i], vectors[j]), 0f, 0.99f); // ReLU features: never negative
    }

    [Fact]
    public void Embed_LargerDestination_WritesOnlyDimensionFloats()
    {
        DecodedImage image = fixture.Load(SampleImages.Paths(1)[0]);
        float[] destination = Enumerable.Repeat(-7f, 520).ToArray();
        _embedder.Embed(image, destination);
        Assert.Equal(fixture.Embed(image), destination[..512]);
        Assert.All(destination[512..], v => Assert.Equal(-7f, v));
    }

    [Fact]
    public void Embed_ParallelThreads_EqualsSequential()
    {
        DecodedImage[] images = SampleImages.Paths(8).Select(fixture.Load).ToArray();
        float[][] sequential = images.Select(fixture.Embed).ToArray();

        // 4 threads × 3 rounds over all images, each thread starting elsewhere, so calls overlap on the shared session.
        float[][][] parallel = new float[4][][];
        Thread[] threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var results = new float[images.Length * 3][];
            for (int k = 0; k < results.Length; k++)
                results[k] = fixture.Embed(images[(t + k) % images.Length]);
            parallel[t] = results;
        })).ToArray();
        foreach (Thread thread in threads) thread.Start();
        foreach (Thread thread in threads) thread.Join();

        for (int t = 0; t < 4; t++)
            for (int k = 0; k < parallel[t].Length; k++)
                Assert.Equal(sequential[(t + k) % images.Length], parallel[t][k]);
    }

    [Fact]
    public void Embed_SameClassNeighbours_MoreLikelyThanChance()
    {
        // Quality floor, not a benchmark: 8 photos of each of the 10 classes. By chance the nearest other photo
        // shares the class 7/79 ≈ 9% of the time; ResNet18 gets 36/80 (0.45; on all 250 samples P@1 ≈ 0.61); the floor, 28, leaves room for decoder changes.
        var samples = SampleImages.All.GroupBy(s => s.Class).SelectMany(g => g.Take(8)).ToArray();
        float[][] vectors = samples.Select(s => fixture.Embed(fixture.Load(s.Path))).ToArray();
        int hits = 0;
        for (int q = 0; q < samples.Length; q++)
        {
            int best = Enumerable.Range(0, samples.Length).Where(j => j != q)
                .MaxBy(j => TensorPrimitives.Dot<float>(vectors[q], vectors[j]));
            if (samples[best].Class == samples[q].Class) hits++;
        }
        Assert.True(hits >= 28, $"only {hits}/{samples.Length} nearest neighbours share the class");
    }

    [Fact]
    public void Embed_OtherThreadingOptions_SameVectorsAndModelId()
    {
        DecodedImage image = fixture.Load(SampleImages.Paths(1)[0]);
        using var other = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18), new OnnxEmbeddingOptions { IntraOpThreads = 1, SpinWait = true });
        float[] vector = new float[other.Dimension];
        other.Embed(image, vector);
        // Identical on this machine; a tolerance, because kernels may split sums differently per thread count.
        Assert.Equal(fixture.Embed(image), vector, (a, b) => Math.Abs(a - b) < 1e-5f);
        Assert.Equal(_embedder.Model, other.Model);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1025)]
    public void Constructor_ThreadsOutOfRange_Throws(int threads) =>
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18), new OnnxEmbeddingOptions { IntraOpThreads = threads }));

    [Fact]
    public void Embed_WrongSize_ThrowsArgumentException()
    {
        var image = new DecodedImage(223, 224, new byte[223 * 224 * 3]);
        var e = Assert.Throws<ArgumentException>(() => _embedder.Embed(image, new float[512]));
        Assert.Equal("image", e.ParamName);
    }

    [Fact]
    public void Embed_ShortDestination_ThrowsArgumentException()
    {
        var image = new DecodedImage(224, 224, new byte[224 * 224 * 3]);
        var e = Assert.Throws<ArgumentException>(() => _embedder.Embed(image, new float[511]));
        Assert.Equal("destination", e.ParamName);
    }

    [Fact]
    public void Embed_UniformImages_FiniteUnitVectors()
    {
        foreach (byte value in new byte[] { 0, 255 })
        {
            var image = new DecodedImage(224, 224, Enumerable.Repeat(value, 224 * 224 * 3).ToArray());
            float[] vector = fixture.Embed(image);
            Assert.Equal(1f, TensorPrimitives.Norm(vector), 1e-5f);
        }
    }

    [Fact]
    public void Embed_AfterDispose_ThrowsObjectDisposed()
    {
        var embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18));
        embedder.Dispose();
        embedder.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => embedder.Embed(new DecodedImage(224, 224, new byte[224 * 224 * 3]), new float[512]));
    }
}
