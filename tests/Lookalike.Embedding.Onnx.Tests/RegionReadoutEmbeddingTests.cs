using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;

namespace Lookalike.Embedding.Onnx.Tests;

/// <summary>The <c>+regions</c> readout on the real network: the pooled vector, then the feature map's regions.</summary>
[Collection(ResNet18Group.Name)]
public sealed class RegionReadoutEmbeddingTests(ResNet18Fixture fixture)
{
    private const int Channels = 512;

    [Theory]
    [InlineData("resnet18+regions", "resnet18")]
    [InlineData("resnet18+gem3+regions", "resnet18+gem3")]
    public void Embed_PooledVectorThenTheMapsRegions_WholeUnitLength(string model, string pooledModel)
    {
        using var embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(model));
        using var pooled = new OnnxImageEmbedder(BuiltInModels.Resolve(pooledModel));
        using var maps = new OnnxFeatureMapReader(BuiltInModels.Resolve(pooledModel));
        Assert.Equal(RegionVectors.Dimension(Channels), embedder.Dimension);
        Assert.StartsWith(model + "@", embedder.Model.Value, StringComparison.Ordinal);
        Assert.True(RegionVectors.Carries(embedder.Model));
        float[] vector = new float[embedder.Dimension], expected = new float[Channels];
        foreach (string path in SampleImages.Paths(3))
        {
            var image = fixture.Load(path);
            embedder.Embed(image, vector);
            pooled.Embed(image, expected);
            float[] regions = RegionReadout.Compute(maps.Read(image, mirror: false));

            Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => (double)v * v)), 4);
            Assert.Equal(expected, vector[..Channels].Select(v => v / RegionVectors.Scale).ToArray(), (a, b) => Math.Abs(a - b) < 2e-5f);
            Assert.Equal(regions, vector[Channels..].Select(v => v / RegionVectors.Scale).ToArray(), (a, b) => Math.Abs(a - b) < 2e-5f);
        }
    }

    [Fact]
    public void Resolve_RegionsWithFlip_IsRefusedNamingTheReadout()
    {
        var e = Assert.Throws<LookalikeException>(() => new OnnxImageEmbedder(BuiltInModels.Resolve("resnet18+flip+regions")));
        Assert.Equal(LookalikeErrorKind.ModelUnavailable, e.Kind);
        Assert.Contains("'readout'", e.Message, StringComparison.Ordinal);
        Assert.Contains("flip", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_RegionsOnAnAlreadyPooledOutput_IsRefusedNamingTheReadout()
    {
        ModelManifest pooledOutput = BuiltInModels.Resolve(BuiltInModels.ResNet18) with { Readout = HeadReadout.Regions };
        var e = Assert.Throws<LookalikeException>(() => new OnnxImageEmbedder(pooledOutput));
        Assert.Equal(LookalikeErrorKind.ModelUnavailable, e.Kind);
        Assert.Contains("+regions readout needs a feature map", e.Message, StringComparison.Ordinal);
    }
}
