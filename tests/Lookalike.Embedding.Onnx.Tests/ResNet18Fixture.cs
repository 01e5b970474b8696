using Lookalike.Core.Imaging;

namespace Lookalike.Embedding.Onnx.Tests;

/// <summary>One built-in ResNet18 embedder shared by the tests of the collection (a session per process, as in production).</summary>
public sealed class ResNet18Fixture : IDisposable
{
    public ResNet18Fixture() => Embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18));

    public OnnxImageEmbedder Embedder { get; }

    public DecodedImage Load(string path) => SampleImages.Load(path, Embedder.Target);

    public float[] Embed(DecodedImage image)
    {
        float[] vector = new float[Embedder.Dimension];
        Embedder.Embed(image, vector);
        return vector;
    }

    public void Dispose() => Embedder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class ResNet18Group : ICollectionFixture<ResNet18Fixture>
{
    public const string Name = "resnet18";
}
