using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;

namespace Lookalike.Embedding.Onnx.Tests;

/// <summary>Construction fails fast, with <see cref="LookalikeErrorKind.ModelUnavailable"/> naming the file and the problem.</summary>
public sealed class ModelLoadingTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly ModelManifest _resnet = BuiltInModels.Resolve(BuiltInModels.ResNet18);

    public void Dispose() => _temp.Dispose();

    private static LookalikeException Unavailable(ModelManifest manifest)
    {
        var e = Assert.Throws<LookalikeException>(() => new OnnxImageEmbedder(manifest).Dispose());
        Assert.Equal(LookalikeErrorKind.ModelUnavailable, e.Kind);
        return e;
    }

    private ModelManifest WithGraph(int index, Func<ModelGraph, ModelGraph> change) =>
        _resnet with { Graphs = _resnet.Graphs.Select((g, i) => i == index ? change(g) : g).ToArray() };

    [Fact]
    public void Constructor_MissingFile_ModelUnavailableNamingFile()
    {
        ModelManifest manifest = _resnet with { BaseDirectory = _temp.Path };
        LookalikeException e = Unavailable(manifest);
        string missing = _temp.File("ResNetPreprocess.onnx");
        Assert.Equal(missing, e.Subject);
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void Constructor_GarbageFile_ModelUnavailableNamingFile()
    {
        string damaged = _temp.File("damaged.onnx");
        File.WriteAllBytes(damaged, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray());
        LookalikeException e = Unavailable(WithGraph(0, g => g with { File = damaged }));
        Assert.Equal(damaged, e.Subject);
        Assert.Contains(damaged, e.Message);
    }

    [Fact]
    public void Constructor_TruncatedFile_ModelUnavailableNamingFile()
    {
        string truncated = _temp.File("truncated.onnx");
        byte[] whole = File.ReadAllBytes(_resnet.ResolvePath(_resnet.Graphs[0]));
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        LookalikeException e = Unavailable(WithGraph(0, g => g with { File = truncated }));
        Assert.Equal(truncated, e.Subject);
        Assert.Contains(truncated, e.Message);
    }

    [Fact]
    public void Constructor_WrongOutputName_ListsAvailableNames()
    {
        LookalikeException e = Unavailable(WithGraph(1, g => g with { Output = "fc7" }));
        Assert.Equal(_resnet.ResolvePath(_resnet.Graphs[1]), e.Subject);
        Assert.Contains("'fc7'", e.Message);
        Assert.Contains("'Pooling395_Output_0' [1, 512, 1, 1]", e.Message);
    }

    [Fact]
    public void Constructor_WrongInputName_ListsAvailableNames()
    {
        LookalikeException e = Unavailable(WithGraph(0, g => g with { Input = "data" }));
        Assert.Equal(_resnet.ResolvePath(_resnet.Graphs[0]), e.Subject);
        Assert.Contains("'data'", e.Message);
        Assert.Contains("'OriginalInput' [1, 3, 224, 224]", e.Message);
    }

    [Fact]
    public void Constructor_WrongDimension_SaysWhatTheModelHas()
    {
        LookalikeException e = Unavailable(_resnet with { Dimension = 256 });
        Assert.Contains("512 channels", e.Message);
        Assert.Contains("256", e.Message);
    }

    [Fact]
    public void Constructor_WrongInputSize_ShapeMismatch()
    {
        LookalikeException e = Unavailable(_resnet with { InputWidth = 200 });
        Assert.Contains("[1, 3, 224, 224]", e.Message);
        Assert.Contains("[1, 3, 224, 200]", e.Message);
    }

    [Fact]
    public void Constructor_NoBatchDimensionForBatchedModel_ShapeMismatch()
    {
        LookalikeException e = Unavailable(_resnet with { BatchDimension = false });
        Assert.Contains("[3, 224, 224]", e.Message);
    }

    [Fact]
    public void Constructor_GraphsInWrongOrder_ShapeMismatchBetweenStages()
    {
        LookalikeException e = Unavailable(_resnet with { Graphs = _resnet.Graphs.Reverse().ToArray() });
        Assert.Equal(_resnet.ResolvePath(_resnet.Graphs[0]), e.Subject);
        Assert.Contains("Pooling395_Output_0", e.Message);
    }

    [Fact]
    public void Constructor_InvalidManifestField_ModelUnavailable()
    {
        LookalikeException e = Unavailable(_resnet with { Std = [1f, 0f, 1f] });
        Assert.Contains("std", e.Message);
    }
}
