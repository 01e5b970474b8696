using Lookalike.Core.Embedding;
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

    /// <summary>
    /// Either branch asserts: a CPU build (CI) falls back with its reason and computes the CPU's vectors; a GPU build on
    /// a GPU machine is compared with the CPU. cuDNN may pick TF32 convolutions, so the CUDA bound is looser than
    /// float reassociation (not yet measured on a GPU: the bound is TF32's ~1e-3 relative error on unit vectors).
    /// </summary>
    [Fact]
    public void Device_Cuda_SameVectorsAsCpuOrFallsBackWithReason()
    {
        using var embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18), new OnnxEmbeddingOptions { Device = EmbeddingDevice.Cuda });
        var image = fixture.Load(SampleImages.Paths(1)[0]);
        float[] vector = new float[512];
        embedder.Embed(image, vector);
        float[] cpu = fixture.Embed(image);
        if (embedder.Device == EmbeddingDevice.Cuda)
        {
            Assert.True(System.Numerics.Tensors.TensorPrimitives.Dot<float>(cpu, vector) >= 0.9999f, "CUDA and CPU vectors differ beyond TF32 rounding");
            Assert.Equal(cpu, vector, (a, b) => Math.Abs(a - b) < 2e-3f);
            return;
        }
        Assert.Equal(EmbeddingDevice.Cpu, embedder.Device);
        Assert.Contains("CUDA", embedder.DeviceNote);
        Assert.Contains("CPU", embedder.DeviceNote);
        Assert.Equal(cpu, vector, (a, b) => Math.Abs(a - b) < 1e-5f);
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

    [Theory]
    [InlineData(BuiltInModels.ResNet18, 4, 10)]
    [InlineData(BuiltInModels.ResNet18Int8, 3, 5)]
    public void EmbedBatch_RewrittenBatchAxis_SameVectorsAsOneByOne(string model, int batchSize, int count)
    {
        using var batched = new OnnxImageEmbedder(BuiltInModels.Resolve(model), OnnxEmbeddingOptions.ForThroughput() with { BatchSize = batchSize });
        using var single = new OnnxImageEmbedder(BuiltInModels.Resolve(model), OnnxEmbeddingOptions.ForThroughput());
        Assert.Equal(batchSize, batched.BatchSize);
        Assert.Equal(single.Model, batched.Model); // the rewrite happens in memory; the files and id are unchanged
        var images = SampleImages.Paths(count).Select(fixture.Load).ToArray();
        float[] rows = Enumerable.Repeat(float.NaN, count * 512 + 3).ToArray();
        batched.EmbedBatch(images, rows); // count is not a multiple of the batch size: the last call is short
        float[] expected = new float[512];
        for (int i = 0; i < count; i++)
        {
            single.Embed(images[i], expected);
            Assert.Equal(expected, rows.AsSpan(i * 512, 512).ToArray(), (a, b) => Math.Abs(a - b) < 1e-4f);
        }
        Assert.All(rows[^3..], v => Assert.True(float.IsNaN(v))); // nothing written past the rows
    }

    [Fact]
    public void EmbedBatch_ShortDestination_ThrowsArgumentException()
    {
        var images = new[] { new Core.Imaging.DecodedImage(224, 224, new byte[224 * 224 * 3]), new Core.Imaging.DecodedImage(224, 224, new byte[224 * 224 * 3]) };
        var e = Assert.Throws<ArgumentException>(() => fixture.Embedder.EmbedBatch(images, new float[1000]));
        Assert.Equal("destination", e.ParamName);
    }

    [Fact]
    public void BatchRewrite_ResNet18_SymbolicFirstAxisOnly()
    {
        var manifest = BuiltInModels.Resolve(BuiltInModels.ResNet18);
        var model = Graphs.OnnxModelProto.Parse(Graphs.BatchRewrite.SymbolicBatch(manifest.ResolvePath(manifest.Graphs[1])));
        var input = Assert.Single(model.Graph.Inputs, i => i.Name == "Input247");
        Assert.Equal([null, 3L, 224L, 224L], input.Shape!);
        Assert.Equal("batch", input.DimParams![0]);
        Assert.Equal([null, 512L, 1L, 1L], model.Graph.Outputs[0].Shape!);
    }
}
