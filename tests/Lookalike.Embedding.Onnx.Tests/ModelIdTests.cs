using Lookalike.Core.Embedding;

namespace Lookalike.Embedding.Onnx.Tests;

public sealed class ModelIdTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly ModelManifest _resnet = BuiltInModels.Resolve(BuiltInModels.ResNet18);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Compute_BuiltInResNet18_PinnedValue()
    {
        // Stored with every vector: it must not change unless the model or its preprocessing does.
        // If the hashing scheme changes on purpose, bump the "lookalike-model-id/N" tag and this value together.
        Assert.Equal("resnet18@a9232384", ModelFingerprint.Compute(_resnet).Value);
    }

    [Fact]
    public void Compute_SameManifestTwice_SameId() =>
        Assert.Equal(ModelFingerprint.Compute(_resnet), ModelFingerprint.Compute(_resnet));

    [Fact]
    public void Compute_FilesInAnotherFolder_SameId()
    {
        foreach (ModelGraph graph in _resnet.Graphs)
            File.Copy(_resnet.ResolvePath(graph), _temp.File(graph.File));
        Assert.Equal(ModelFingerprint.Compute(_resnet), ModelFingerprint.Compute(_resnet with { BaseDirectory = _temp.Path }));
    }

    [Theory]
    [InlineData("mean")]
    [InlineData("std")]
    [InlineData("scale")]
    [InlineData("channels")]
    [InlineData("resize")]
    [InlineData("size")]
    [InlineData("batch")]
    [InlineData("output")]
    public void Compute_PreprocessingChanged_DifferentId(string field)
    {
        ModelManifest changed = field switch
        {
            "mean" => _resnet with { Mean = [0f, 0f, 0.5f] },
            "std" => _resnet with { Std = [1f, 1f, 2f] },
            "scale" => _resnet with { Scale = 1f / 255 },
            "channels" => _resnet with { ChannelOrder = ChannelOrder.Bgr },
            "resize" => _resnet with { Resize = Core.Imaging.ResizeMode.Stretch },
            "size" => _resnet with { InputWidth = 225 },
            "batch" => _resnet with { BatchDimension = false },
            "output" => _resnet with { Graphs = [_resnet.Graphs[0], _resnet.Graphs[1] with { Output = "Other" }] },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        Assert.NotEqual(ModelFingerprint.Compute(_resnet), ModelFingerprint.Compute(changed));
    }

    [Fact]
    public void Compute_FileContentChanged_DifferentId()
    {
        // Same length, one byte different in the middle: a full hash sees it.
        foreach (ModelGraph graph in _resnet.Graphs)
            File.Copy(_resnet.ResolvePath(graph), _temp.File(graph.File));
        string preprocess = _temp.File(_resnet.Graphs[0].File);
        byte[] bytes = File.ReadAllBytes(preprocess);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(preprocess, bytes);
        Assert.NotEqual(ModelFingerprint.Compute(_resnet), ModelFingerprint.Compute(_resnet with { BaseDirectory = _temp.Path }));
    }

    [Fact]
    public void Compute_NameIsThePrefix()
    {
        string hex = ModelFingerprint.Compute(_resnet).Value.Split('@')[1];
        Assert.Equal($"my-resnet@{hex}", ModelFingerprint.Compute(_resnet with { Name = "my-resnet" }).Value);
    }
}
