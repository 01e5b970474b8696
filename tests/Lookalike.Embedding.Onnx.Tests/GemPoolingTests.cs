using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx.Graphs;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx.Tests;

[Collection(ResNet18Group.Name)]
public sealed class GemPoolingTests(ResNet18Fixture fixture)
{
    private const int Channels = 512, Area = 7 * 7;

    [Fact]
    public void Embed_GemP1_EqualsThePlainAveragePooledVector()
    {
        // p = 1 is the mean of max(x, ε): on a ReLU map that is the network's own average pooling, up to ε and float
        // reassociation. A wrong tensor, channel layout or area would not come close.
        using var gem1 = new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18+gem1"));
        Assert.Equal(BuiltInModels.ResNet18FeatureMap, gem1.Manifest.Graphs[^1].Output);
        float[] actual = new float[Channels];
        foreach (string path in SampleImages.Paths(4))
        {
            DecodedImage image = fixture.Load(path);
            gem1.Embed(image, actual);
            Assert.Equal(fixture.Embed(image), actual, (a, b) => Math.Abs(a - b) < 2e-5f);
        }
    }

    [Theory]
    [InlineData("resnet18+gem3")]
    [InlineData("resnet18+gem2.5")]
    [InlineData("resnet18+max")]
    public void Embed_Pooling_EqualsScalarReferenceOnTheRawFeatureMap(string model)
    {
        using var embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(model));
        EmbeddingPooling pooling = embedder.Manifest.Pooling;
        byte[] exposed = OutputExposure.Expose(File.ReadAllBytes(embedder.NetworkFile), BuiltInModels.ResNet18FeatureMap)
            ?? throw new InvalidOperationException("the feature map should be an intermediate tensor of ResNet18.onnx");
        using var session = new InferenceSession(exposed);
        using var run = new RunOptions();
        float[] tensor = new float[3 * 224 * 224], actual = new float[Channels];
        float[] plain = fixture.Embed(fixture.Load(SampleImages.Paths(2)[1]));
        foreach (string path in SampleImages.Paths(3))
        {
            DecodedImage image = fixture.Load(path);
            Assert.True(embedder.TryWriteNetworkInput(image, tensor));
            using var input = OrtValue.CreateTensorValueFromMemory(tensor, embedder.InputShape);
            using var outputs = session.Run(run, [embedder.NetworkInput], [input], [BuiltInModels.ResNet18FeatureMap]);
            float[] map = outputs[0].GetTensorDataAsSpan<float>().ToArray(); // [1,512,7,7]
            Assert.Equal([1, Channels, 7, 7], outputs[0].GetTensorTypeAndShape().Shape);

            double[] expected = new double[Channels];
            for (int c = 0; c < Channels; c++)
            {
                double acc = pooling.Kind == PoolingKind.Max ? double.NegativeInfinity : 0;
                for (int i = 0; i < Area; i++)
                {
                    double x = map[c * Area + i];
                    if (pooling.Kind == PoolingKind.Max) acc = Math.Max(acc, x);
                    else acc += Math.Pow(Math.Max(x, EmbeddingPooling.GemEpsilon), pooling.P);
                }
                expected[c] = pooling.Kind == PoolingKind.Max ? acc : Math.Pow(acc / Area, 1 / (double)pooling.P);
            }
            double norm = Math.Sqrt(expected.Sum(v => v * v));

            embedder.Embed(image, actual);
            Assert.Equal(expected.Select(v => (float)(v / norm)).ToArray(), actual, (a, b) => Math.Abs(a - b) < 1e-5f);
        }
        float[] pooled = new float[Channels];
        embedder.Embed(fixture.Load(SampleImages.Paths(2)[1]), pooled);
        Assert.True(pooled.Zip(plain).Max(p => Math.Abs(p.First - p.Second)) > 1e-2f, $"{model} differs from average pooling");
    }

    [Theory]
    [InlineData("resnet18+gem3")]
    [InlineData("resnet18+gem3+regions")] // the regions read from each image's own slice of the batch's map
    public void EmbedBatch_FeatureMapReadout_SameVectorsAsOneByOne(string model)
    {
        // Batching rewrites the exposed graph once more (symbolic batch axis on the added output too).
        using var batched = new OnnxImageEmbedder(BuiltInModels.Resolve(model), OnnxEmbeddingOptions.ForThroughput() with { BatchSize = 2 });
        using var single = new OnnxImageEmbedder(BuiltInModels.Resolve(model), OnnxEmbeddingOptions.ForThroughput());
        Assert.Equal(2, batched.BatchSize);
        var images = SampleImages.Paths(3).Select(fixture.Load).ToArray();
        int d = single.Dimension;
        float[] rows = new float[3 * d], expected = new float[d];
        batched.EmbedBatch(images, rows);
        for (int i = 0; i < images.Length; i++)
        {
            single.Embed(images[i], expected);
            Assert.Equal(expected, rows.AsSpan(i * d, d).ToArray(), (a, b) => Math.Abs(a - b) < 1e-4f);
        }
    }

    [Fact]
    public void Resolve_PoolingSuffix_OwnModelIds_PlainUnchanged()
    {
        string[] names = ["resnet18", "resnet18+gem3", "resnet18+gem", "resnet18+flip+gem3", "resnet18+GEM3+flip", "resnet18+max", "resnet18+gem1", "resnet18+avg"];
        var ids = names.ToDictionary(n => n, n => ModelFingerprint.Compute(BuiltInModels.Resolve(n)).Value);
        Assert.StartsWith("resnet18+gem3@", ids["resnet18+gem3"], StringComparison.Ordinal);
        Assert.StartsWith("resnet18+flip+gem3@", ids["resnet18+flip+gem3"], StringComparison.Ordinal);
        Assert.StartsWith("resnet18+max@", ids["resnet18+max"], StringComparison.Ordinal);
        Assert.Equal(ids["resnet18+gem3"], ids["resnet18+gem"]);                 // p = 3 is the default
        Assert.Equal(ids["resnet18+flip+gem3"], ids["resnet18+GEM3+flip"]);      // suffix order and case do not matter
        Assert.Equal(fixture.Embedder.Model.Value, ids["resnet18"]);
        Assert.Equal(ids["resnet18"], ids["resnet18+avg"]);                      // avg is the plain model
        Assert.Equal(5, ids.Values.Distinct().Count()); // plain, gem3, flip+gem3, max, gem1
    }

    [Fact]
    public void Resolve_PoolingOnAnAlreadyPooledOutput_IsRefusedNamingThePooling()
    {
        // A manifest asking for GeM over the network's own [1,512,1,1] output: GeM over one value would silently equal
        // average pooling. (The built-in models, int8 copy included, read their 7×7 map instead.)
        ModelManifest pooledTwice = BuiltInModels.Resolve(BuiltInModels.ResNet18) with { Pooling = EmbeddingPooling.Parse("gem3") };
        var e = Assert.Throws<LookalikeException>(() => new OnnxImageEmbedder(pooledTwice));
        Assert.Equal(LookalikeErrorKind.ModelUnavailable, e.Kind);
        Assert.Contains("pooling 'gem3' needs a feature map", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gem", "gem3")]
    [InlineData("GeM2.5", "gem2.5")]
    [InlineData("max", "max")]
    [InlineData("avg", "avg")]
    public void Parse_Descriptor_RoundTrips(string text, string printed)
    {
        EmbeddingPooling pooling = EmbeddingPooling.Parse(text);
        Assert.Equal(printed, pooling.ToString());
        Assert.Equal(pooling, EmbeddingPooling.Parse(printed));
    }

    [Theory]
    [InlineData("gem0.5")]
    [InlineData("gem17")]
    [InlineData("mean")]
    public void ManifestLoad_BadPooling_NamesTheFieldAndValue(string pooling)
    {
        using var dir = new TempFolder();
        string path = dir.File("manifest.json");
        File.WriteAllText(path, $$"""
            { "name": "m", "graphs": [ { "file": "x.onnx", "input": "in", "output": "out" } ],
              "inputWidth": 8, "inputHeight": 8, "dimension": 4, "pooling": "{{pooling}}" }
            """);
        var e = Assert.Throws<LookalikeException>(() => ModelManifest.Load(path));
        Assert.Contains("pooling", e.Message, StringComparison.Ordinal);
        Assert.Contains(pooling, e.Message, StringComparison.Ordinal);
    }
}
