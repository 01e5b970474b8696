using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Embedding.Onnx.Tests;

public sealed class BuiltInModelsTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string ExampleManifest(string name) => Path.Combine(AppContext.BaseDirectory, "Manifests", name);

    [Theory]
    [InlineData("resnet18")]
    [InlineData("ResNet18")]
    public void Resolve_ResNet18_BundledFilesNextToAssembly(string name)
    {
        ModelManifest manifest = BuiltInModels.Resolve(name);
        Assert.Equal("resnet18", manifest.Name);
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "models", "resnet18"), manifest.BaseDirectory);
        Assert.All(manifest.Graphs, g => Assert.True(File.Exists(manifest.ResolvePath(g))));
        Assert.Equal(new ImageTarget(224, 224, ResizeMode.CenterCrop), manifest.Target);
        Assert.Equal(512, manifest.Dimension);
    }

    [Fact]
    public void Resolve_ExampleResNet18Manifest_SameModelIdAsBuiltIn()
    {
        // The id covers every preprocessing field, tensor name and file content, so equal ids mean equal models.
        ModelManifest example = BuiltInModels.Resolve(ExampleManifest("resnet18.json"));
        ModelManifest builtIn = BuiltInModels.Resolve(BuiltInModels.ResNet18);
        Assert.Equal(ModelFingerprint.Compute(builtIn), ModelFingerprint.Compute(example));
    }

    [Fact]
    public void Resolve_Folder_ReadsManifestJsonInside()
    {
        ModelManifest builtIn = BuiltInModels.Resolve(BuiltInModels.ResNet18);
        ModelManifest absolute = builtIn with
        {
            Name = "copy",
            Graphs = builtIn.Graphs.Select(g => g with { File = builtIn.ResolvePath(g) }).ToArray(),
        };
        File.WriteAllText(_temp.File("manifest.json"), System.Text.Json.JsonSerializer.Serialize(absolute, ModelManifest.JsonOptions));

        ModelManifest loaded = BuiltInModels.Resolve(_temp.Path);
        Assert.Equal("copy", loaded.Name);
        Assert.Equal(_temp.Path, loaded.BaseDirectory);
        Assert.Equal(ResizeMode.CenterCrop, loaded.Resize);
    }

    [Fact]
    public void Resolve_Vgg16Example_ParsesAndNamesTheMissingWeights()
    {
        string path = ExampleManifest("vgg16-fc2.json");
        var manifest = System.Text.Json.JsonSerializer.Deserialize<ModelManifest>(File.ReadAllText(path), ModelManifest.JsonOptions)!;
        Assert.Equal("vgg16-fc2", manifest.Name);
        Assert.Equal(ChannelOrder.Bgr, manifest.ChannelOrder);
        Assert.Equal([103.939f, 116.779f, 123.68f], manifest.Mean);
        Assert.Equal(4096, manifest.Dimension);
        Assert.Equal(new ModelGraph("vgg16.onnx", "input_1", "fc2"), Assert.Single(manifest.Graphs));

        // The user brings vgg16.onnx; without it the manifest is refused, naming the file.
        var e = Assert.Throws<LookalikeException>(() => BuiltInModels.Resolve(path));
        Assert.Equal(LookalikeErrorKind.ModelUnavailable, e.Kind);
        Assert.Contains("vgg16.onnx", e.Message);
    }

    [Fact]
    public void Resolve_MissingManifest_ModelUnavailable()
    {
        var e = Assert.Throws<LookalikeException>(() => BuiltInModels.Resolve(_temp.File("nope.json")));
        Assert.Equal(LookalikeErrorKind.ModelUnavailable, e.Kind);
        Assert.Contains("nope.json", e.Message);
    }
}
