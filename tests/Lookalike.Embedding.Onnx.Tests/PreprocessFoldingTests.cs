using Lookalike.Embedding.Onnx.Graphs;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx.Tests;

/// <summary>The preprocessing graph replaced by C# arithmetic: only when provably equal, and then bit for bit.</summary>
[Collection(ResNet18Group.Name)]
public sealed class PreprocessFoldingTests(ResNet18Fixture fixture) : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void BuiltIn_ResNetPreprocess_IsFolded()
    {
        Assert.True(fixture.Embedder.PreprocessFolded, fixture.Embedder.PreprocessNote);
        Assert.Contains("folded", fixture.Embedder.PreprocessNote);
    }

    [Fact]
    public void Embed_FoldedVersusGraph_BitIdenticalVectorsAndSameModelId()
    {
        using var graph = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18), new OnnxEmbeddingOptions { FoldPreprocess = false });
        Assert.False(graph.PreprocessFolded);
        Assert.Equal(graph.Model, fixture.Embedder.Model);
        float[] expected = new float[512];
        foreach (string path in SampleImages.Paths(6))
        {
            var image = fixture.Load(path);
            graph.Embed(image, expected);
            Assert.Equal(expected, fixture.Embed(image)); // exact float equality, element by element
        }
    }

    [Fact]
    public void MeanImage_GraphOnZeroInput_EqualsMinusInitializerInBgrOrder()
    {
        var manifest = BuiltInModels.Resolve(BuiltInModels.ResNet18);
        string file = manifest.ResolvePath(manifest.Graphs[0]);

        // The constant as stored in the file, read with the product's protobuf reader.
        OnnxTensorProto initializer = OnnxModelProto.Parse(File.ReadAllBytes(file)).Graph.Initializers.Single(t => t.Name == "MeanImage");
        Assert.Equal([1L, 3, 224, 224], initializer.Dims);
        float[] mean = initializer.ToFloats();

        // The graph run once on zeros gives minus the mean image, the offset the fold adds.
        float[] zeros = new float[3 * 224 * 224];
        using var session = new InferenceSession(file);
        using var runOptions = new RunOptions();
        using var input = OrtValue.CreateTensorValueFromMemory(zeros, [1, 3, 224, 224]);
        using var outputs = session.Run(runOptions, ["OriginalInput"], [input], ["PreprocessedInput"]);
        float[] offset = outputs[0].GetTensorDataAsSpan<float>().ToArray();
        Assert.Equal(mean.Select(m => -m), offset);

        // Plausible ImageNet means in BGR order (about 104, 117, 124).
        int plane = 224 * 224;
        double[] planeMeans = Enumerable.Range(0, 3).Select(c => mean.Skip(c * plane).Take(plane).Average(m => (double)m)).ToArray();
        Assert.InRange(planeMeans[0], 95, 112);
        Assert.InRange(planeMeans[1], 108, 125);
        Assert.InRange(planeMeans[2], 115, 132);
    }

    [Fact]
    public void TinyPreprocess_SubWithConstant_FoldedAndBitIdentical()
    {
        var manifest = TinyModels.Manifest(_temp.Path, TinyModels.Preprocess("Sub"));
        using var folded = new OnnxImageEmbedder(manifest);
        using var graph = new OnnxImageEmbedder(manifest, new OnnxEmbeddingOptions { FoldPreprocess = false });
        Assert.True(folded.PreprocessFolded, folded.PreprocessNote);
        float[] a = new float[3], b = new float[3];
        for (int seed = 0; seed < 20; seed++)
        {
            folded.Embed(TinyModels.Image(seed), a);
            graph.Embed(TinyModels.Image(seed), b);
            Assert.Equal(b, a);
        }
    }

    [Fact]
    public void TinyPreprocess_AddWithConstant_Folded()
    {
        using var embedder = new OnnxImageEmbedder(TinyModels.Manifest(_temp.Path, TinyModels.Preprocess("Add")));
        Assert.True(embedder.PreprocessFolded, embedder.PreprocessNote);
    }

    [Theory]
    [InlineData("Mul", false, false, "Mul")]
    [InlineData("Div", false, false, "Div")]
    [InlineData("Sub", true, false, "more than once")]
    [InlineData("Sub", false, true, "Sub")]
    public void TinyPreprocess_NotChannelAffine_KeptAsGraph(string op, bool twice, bool constantFirst, string reason)
    {
        using var embedder = new OnnxImageEmbedder(TinyModels.Manifest(_temp.Path, TinyModels.Preprocess(op, twice, constantFirst)));
        Assert.False(embedder.PreprocessFolded);
        Assert.Contains(reason, embedder.PreprocessNote);
        embedder.Embed(TinyModels.Image(1), new float[3]); // still works, through the graph
    }

    [Fact]
    public void PixelTensorWriter_WithFold_PermutesPlanesAndAddsOffset()
    {
        var manifest = TinyModels.Manifest(_temp.Path, TinyModels.Preprocess());
        int n = TinyModels.Width * TinyModels.Height;
        float[] offset = Enumerable.Range(0, 3 * n).Select(i => -0.25f * i).ToArray();
        var writer = new PixelTensorWriter(manifest, new FoldedPreprocess([2, 1, 0], offset));
        byte[] rgb = TinyModels.Image(7).Pixels;
        float[] actual = new float[3 * n];
        writer.Write(rgb, actual);
        for (int p = 0; p < 3; p++)
            for (int i = 0; i < n; i++)
                Assert.Equal(rgb[i * 3 + (2 - p)] + offset[p * n + i], actual[p * n + i]);
    }
}
