using Lookalike.Core.Embedding;

namespace Lookalike.Embedding.Onnx.Tests;

public sealed class PixelTensorWriterTests
{
    private static ModelManifest Manifest(ChannelOrder order, float scale, float[] mean, float[] std) => new()
    {
        Name = "t",
        Graphs = [new ModelGraph("x.onnx", "in", "out")],
        InputWidth = 3,
        InputHeight = 2,
        ChannelOrder = order,
        Scale = scale,
        Mean = mean,
        Std = std,
        Dimension = 1,
    };

    [Theory]
    [InlineData(ChannelOrder.Rgb)]
    [InlineData(ChannelOrder.Bgr)]
    public void Write_MatchesManifestFormula(ChannelOrder order)
    {
        float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
        const float scale = 1f / 255;
        byte[] rgb = Enumerable.Range(0, 3 * 2 * 3).Select(i => (byte)(i * 14 + 3)).ToArray();
        float[] actual = new float[rgb.Length];
        new PixelTensorWriter(Manifest(order, scale, mean, std)).Write(rgb, actual);

        // Scalar reference straight from the ModelManifest docs: plane c in channel order, (p*scale - mean[c]) / std[c].
        int n = rgb.Length / 3;
        for (int c = 0; c < 3; c++)
        {
            int rgbChannel = order == ChannelOrder.Rgb ? c : 2 - c;
            for (int i = 0; i < n; i++)
                Assert.Equal((rgb[i * 3 + rgbChannel] * scale - mean[c]) / std[c], actual[c * n + i]);
        }
    }

    [Fact]
    public void Write_IdentityPreprocessing_PlanarRgb0To255()
    {
        byte[] rgb = [255, 128, 0, 1, 2, 3];
        float[] actual = new float[6];
        new PixelTensorWriter(Manifest(ChannelOrder.Rgb, 1, [0, 0, 0], [1, 1, 1])).Write(rgb, actual);
        Assert.Equal([255f, 1f, 128f, 2f, 0f, 3f], actual);
    }
}
