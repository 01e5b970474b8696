using Lookalike.Core.Embedding;
using System.Numerics.Tensors;
using Lookalike.Core.Errors;
using Lookalike.Embedding.Onnx.Graphs;
using Lookalike.Embedding.Onnx.Quantization;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx.Tests;

/// <summary>The built-in int8 copy of resnet18: its own model id, vectors close to fp32, deterministic bytes.</summary>
[Collection(ResNet18Group.Name)]
public sealed class Int8Tests(ResNet18Fixture fixture) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Resolve_Int8_OwnModelIdAndCachedFile()
    {
        var manifest = BuiltInModels.Resolve(BuiltInModels.ResNet18, EmbeddingPrecision.Int8);
        Assert.Equal(BuiltInModels.ResNet18Int8, manifest.Name);
        Assert.Equal(manifest.Graphs[1].File, BuiltInModels.Resolve("resnet18-int8").Graphs[1].File); // same cached copy
        using var int8 = new OnnxImageEmbedder(manifest);
        Assert.Matches("^resnet18-int8@[0-9a-f]{8}$", int8.Model.Value);
        Assert.NotEqual(fixture.Embedder.Model, int8.Model);
        Assert.True(int8.PreprocessFolded, int8.PreprocessNote);
    }

    [Fact]
    public void Embed_Int8_CloseToFp32OnSamplePhotos()
    {
        using var int8 = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18Int8));
        float[] vector = new float[512];
        foreach (string path in SampleImages.Paths(10))
        {
            var image = fixture.Load(path);
            int8.Embed(image, vector);
            Assert.Equal(1f, TensorPrimitives.Norm(vector), 1e-4f);
            float cosine = TensorPrimitives.Dot<float>(vector, fixture.Embed(image));
            Assert.True(cosine > 0.97f, $"{path}: cosine int8 vs fp32 {cosine}");
        }
    }

    [Fact]
    public void Resolve_Int8Gem_ReadsTheClampedMapOfTheInt8Network_OwnModelId()
    {
        var viaPrecision = BuiltInModels.Resolve("resnet18+gem3", EmbeddingPrecision.Int8);
        var byName = BuiltInModels.Resolve("resnet18-int8+gem3");
        Assert.Equal(BuiltInModels.ResNet18Int8, viaPrecision.Name);
        Assert.Equal(BuiltInModels.ResNet18Int8FeatureMap, viaPrecision.Graphs[^1].Output);
        Assert.Equal(byName.Graphs, viaPrecision.Graphs);
        using var embedder = new OnnxImageEmbedder(byName);
        Assert.Matches("^resnet18-int8\\+gem3@[0-9a-f]{8}$", embedder.Model.Value);
    }

    [Fact]
    public void Embed_Int8GemP1_EqualsTheInt8AveragePooledVector()
    {
        // p = 1 is the mean of max(x, ε) of the map the int8 network's own average pooling reads: the same vector up to
        // ε and float reassociation. The Add's unclamped float output (the folded ReLU's tensor) would not match.
        using var gem1 = new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18-int8+gem1"));
        using var plain = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18Int8));
        float[] actual = new float[512], expected = new float[512];
        foreach (string path in SampleImages.Paths(4))
        {
            var image = fixture.Load(path);
            gem1.Embed(image, actual);
            plain.Embed(image, expected);
            Assert.Equal(expected, actual, (a, b) => Math.Abs(a - b) < 2e-5f);
        }
    }

    [Fact]
    public void Embed_Int8Gem3_CloseToFp32Gem3_AlsoBatched()
    {
        using var fp32 = new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18+gem3"));
        using var int8 = new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18-int8+gem3"));
        using var batched = new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18-int8+gem3"), OnnxEmbeddingOptions.ForThroughput() with { BatchSize = 4 });
        Assert.Equal(4, batched.BatchSize);
        var images = SampleImages.Paths(8).Select(fixture.Load).ToArray();
        float[] reference = new float[512], vector = new float[512];
        float[] batch = new float[images.Length * 512];
        batched.EmbedBatch(images, batch);
        for (int i = 0; i < images.Length; i++)
        {
            fp32.Embed(images[i], reference);
            int8.Embed(images[i], vector);
            Assert.Equal(1f, TensorPrimitives.Norm(vector), 1e-4f);
            float cosine = TensorPrimitives.Dot<float>(vector, reference);
            Assert.True(cosine > 0.97f, $"image {i}: cosine int8+gem3 vs fp32 gem3 {cosine}");
            Assert.Equal(vector, batch.AsSpan(i * 512, 512).ToArray(), (a, b) => Math.Abs(a - b) <= 1e-5f); // the crash-resume test's bound: a resumed run batches photos differently
        }
    }

    [Fact]
    public void Embed_Int8_SameClassNeighboursLikeFp32()
    {
        // The floor of OnnxImageEmbedderTests.Embed_SameClassNeighbours_MoreLikelyThanChance, on the int8 copy.
        using var int8 = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18Int8));
        var samples = SampleImages.All.GroupBy(s => s.Class).SelectMany(g => g.Take(8)).ToArray();
        float[][] vectors = samples.Select(s => { var v = new float[512]; int8.Embed(fixture.Load(s.Path), v); return v; }).ToArray();
        int hits = 0;
        for (int q = 0; q < samples.Length; q++)
        {
            int best = Enumerable.Range(0, samples.Length).Where(j => j != q).MaxBy(j => TensorPrimitives.Dot<float>(vectors[q], vectors[j]));
            if (samples[best].Class == samples[q].Class) hits++;
        }
        Assert.True(hits >= 28, $"only {hits}/{samples.Length} nearest neighbours share the class");
    }

    [Fact]
    public void Quantize_SameInputs_IdenticalBytes()
    {
        var fp32 = BuiltInModels.Resolve(BuiltInModels.ResNet18);
        string folder = fp32.BaseDirectory;
        var table = CalibrationTable.Load(Path.Combine(folder, "resnet18-int8.calibration.json"));
        string a = QuantizedModels.GetOrCreate(fp32.ResolvePath(fp32.Graphs[1]), table, _temp.File("a"));
        string b = QuantizedModels.GetOrCreate(fp32.ResolvePath(fp32.Graphs[1]), table, _temp.File("b"));
        Assert.Equal(Path.GetFileName(a), Path.GetFileName(b));
        Assert.Equal(File.ReadAllBytes(a), File.ReadAllBytes(b));
        Assert.True(new FileInfo(a).Length < new FileInfo(fp32.ResolvePath(fp32.Graphs[1])).Length / 3, "int8 weights take a quarter of the space");

        var ops = OnnxModelProto.Parse(File.ReadAllBytes(a)).Graph.Nodes.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(22, ops["Conv"]);
        Assert.False(ops.ContainsKey("BatchNormalization"));
        Assert.False(ops.ContainsKey("Relu")); // clamped by the uint8 ranges
        Assert.True(ops["QuantizeLinear"] >= 22);
    }

    [Fact]
    public void Prepare_BatchNormFolded_SameNetworkOutput()
    {
        var fp32 = BuiltInModels.Resolve(BuiltInModels.ResNet18);
        byte[] original = File.ReadAllBytes(fp32.ResolvePath(fp32.Graphs[1]));
        byte[] prepared = QdqQuantizer.Prepare(original).ToBytes();
        float[] input = new float[3 * 224 * 224];
        Assert.True(fixture.Embedder.TryWriteNetworkInput(fixture.Load(SampleImages.Paths(1)[0]), input));
        float[] a = Run(original, input), b = Run(prepared, input);
        float cosine = TensorPrimitives.CosineSimilarity(a, b);
        Assert.True(cosine > 0.99999f, $"cosine {cosine}");
    }

    [Fact]
    public void CalibrationTable_SaveLoad_SameContent()
    {
        var fp32 = BuiltInModels.Resolve(BuiltInModels.ResNet18);
        var table = CalibrationTable.Load(Path.Combine(fp32.BaseDirectory, "resnet18-int8.calibration.json"));
        Assert.Equal(fixture.Embedder.Model.Value, table.Model); // calibrated on this very fp32 model
        table.Save(_temp.File("t.json"));
        Assert.Equal(table.ContentHash(), CalibrationTable.Load(_temp.File("t.json")).ContentHash());
    }

    [Theory]
    [InlineData(0f, 10f, 10f / 255, 0)]
    [InlineData(-1f, 3f, 4f / 255, 64)]    // 63.75 rounds to 64
    [InlineData(2f, 5f, 5f / 255, 0)]      // the range always includes 0
    [InlineData(-4f, -1f, 4f / 255, 255)]
    [InlineData(0f, 0f, 1f, 0)]             // constant zero: any scale works
    public void Uint8Parameters_CoverRangeAndZero(float min, float max, float scale, int zeroPoint)
    {
        var (s, z) = QdqQuantizer.Uint8Parameters(min, max);
        Assert.Equal(scale, s, 1e-7f);
        Assert.Equal(zeroPoint, z);
    }

    [Fact]
    public void Resolve_Int8ForOwnManifest_ModelUnavailable()
    {
        var e = Assert.Throws<LookalikeException>(() => BuiltInModels.Resolve(_temp.File("manifest.json"), EmbeddingPrecision.Int8));
        Assert.Equal(LookalikeErrorKind.ModelUnavailable, e.Kind);
        Assert.Contains("int8", e.Message);
    }

    private static float[] Run(byte[] model, float[] input)
    {
        using var session = new InferenceSession(model);
        using var runOptions = new RunOptions();
        using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, 224, 224]);
        using var outputs = session.Run(runOptions, ["Input247"], [value], ["Pooling395_Output_0"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
