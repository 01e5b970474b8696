namespace Lookalike.Embedding.Onnx.Tests;

/// <summary>Speed settings never change what is computed beyond float reassociation, nor the model id.</summary>
[Collection(ResNet18Group.Name)]
public sealed class RuntimeOptionsTests(ResNet18Fixture fixture)
{
    public static TheoryData<string> Settings => ["basic", "no-arena", "parallel", "throughput"];

    private static OnnxEmbeddingOptions Options(string name) => name switch
    {
        "basic" => new OnnxEmbeddingOptions { Optimization = GraphOptimization.Basic },
        "no-arena" => new OnnxEmbeddingOptions { MemoryArena = false },
        "parallel" => new OnnxEmbeddingOptions { ParallelExecution = true },
        _ => OnnxEmbeddingOptions.ForThroughput(),
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void Embed_OtherRuntimeSettings_SameVectorsWithinFloatNoise(string setting)
    {
        using var other = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18), Options(setting));
        Assert.Equal(fixture.Embedder.Model, other.Model);
        var image = fixture.Load(SampleImages.Paths(1)[0]);
        float[] vector = new float[512];
        other.Embed(image, vector);
        Assert.Equal(fixture.Embed(image), vector, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Device_CudaWithoutGpuBuild_FallsBackToCpuWithReason()
    {
        using var embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18), new OnnxEmbeddingOptions { Device = EmbeddingDevice.Cuda });
        if (embedder.Device == EmbeddingDevice.Cuda) return; // a GPU build on a GPU machine: nothing to fall back from
        Assert.Equal(EmbeddingDevice.Cpu, embedder.Device);
        Assert.Contains("CUDA", embedder.DeviceNote);
        Assert.Contains("CPU", embedder.DeviceNote);
        var image = fixture.Load(SampleImages.Paths(1)[0]);
        float[] vector = new float[512];
        embedder.Embed(image, vector);
        Assert.Equal(fixture.Embed(image), vector, (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    [Fact]
    public void Embed_ConcurrentCallers_ReuseBuffersWithoutMixingImages()
    {
        using var embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18), OnnxEmbeddingOptions.ForThroughput());
        var images = SampleImages.Paths(4).Select(fixture.Load).ToArray();
        float[][] expected = images.Select(i => { var v = new float[512]; embedder.Embed(i, v); return v; }).ToArray();
        var failures = 0;
        Parallel.For(0, 24, new ParallelOptions { MaxDegreeOfParallelism = 3 }, k =>
        {
            var v = new float[512];
            embedder.Embed(images[k % 4], v);
            if (!v.AsSpan().SequenceEqual(expected[k % 4])) Interlocked.Increment(ref failures);
        });
        Assert.Equal(0, failures);
    }
}
