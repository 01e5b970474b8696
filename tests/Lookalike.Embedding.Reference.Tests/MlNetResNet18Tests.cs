using System.Numerics.Tensors;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx;
using Microsoft.ML;
using Microsoft.ML.Data;
using Xunit.Abstractions;

namespace Lookalike.Embedding.Reference.Tests;

/// <summary>
/// Our <see cref="OnnxImageEmbedder"/> with the built-in resnet18 manifest against ML.NET's documented featurizer
/// pipeline (LoadImages → ResizeImages → ExtractPixels → DnnFeaturizeImage(ResNet18)) on the same pixels.
/// </summary>
public sealed class MlNetResNet18Tests(ITestOutputHelper output)
{
    private const int Size = 224;

    private sealed class Input
    {
        public string ImagePath { get; set; } = "";
    }

    private sealed class Output
    {
        public string ImagePath { get; set; } = "";

        /// <summary>ExtractPixels with ML.NET's defaults: planar R, G, B planes, 0–255, no offset.</summary>
        [VectorType(3 * Size * Size)]
        public float[] Pixels { get; set; } = [];

        [VectorType(512)]
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void Embed_SamplePhotos_MatchesMlNetDnnFeaturizeImage()
    {
        string[] paths = SamplePhotos(8);
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(paths.Select(p => new Input { ImagePath = p }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: nameof(Input.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", Size, Size)) // default IsoCrop, centre anchor
            .Append(ml.Transforms.ExtractPixels(nameof(Output.Pixels), "Image"))
            .Append(ml.Transforms.DnnFeaturizeImage(nameof(Output.Features),
                m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), nameof(Output.Pixels)));
        Output[] reference = ml.Data.CreateEnumerable<Output>(pipeline.Fit(data).Transform(data), reuseRowObject: false).ToArray();
        Assert.Equal(paths.Length, reference.Length);

        using var embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18));
        float[] ours = new float[embedder.Dimension];
        var cosines = new List<double>();
        foreach (Output row in reference)
        {
            embedder.Embed(ToDecodedImage(row.Pixels), ours);

            float[] theirs = row.Features;
            Assert.Equal(512, theirs.Length);
            TensorPrimitives.Divide(theirs, TensorPrimitives.Norm(theirs), theirs);
            float cosine = TensorPrimitives.Dot<float>(ours, theirs);
            cosines.Add(cosine);
            output.WriteLine($"{Path.GetFileName(row.ImagePath)}: cosine {cosine:F7}, max |diff| {TensorPrimitives.MaxMagnitude(Diff(ours, theirs)):E2}");
            Assert.True(cosine >= 0.999f, $"{row.ImagePath}: cosine {cosine} < 0.999");
        }
        output.WriteLine($"min cosine {cosines.Min():F7} over {cosines.Count} photos");

        // The reference must not be trivially equal: different photos give different vectors.
        Assert.True(TensorPrimitives.Dot<float>(reference[0].Features, reference[1].Features) < 0.99f);
    }

    /// <summary>ML.NET's planar float pixels (exact integers 0–255) back into interleaved RGB24.</summary>
    private static DecodedImage ToDecodedImage(float[] planar)
    {
        const int plane = Size * Size;
        Assert.Equal(3 * plane, planar.Length);
        byte[] rgb = new byte[3 * plane];
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < plane; i++)
            {
                float v = planar[c * plane + i];
                Assert.True(v is >= 0 and <= 255 && v == MathF.Round(v), $"pixel value {v} is not a byte");
                rgb[i * 3 + c] = (byte)v;
            }
        }
        return new DecodedImage(Size, Size, rgb);
    }

    private static float[] Diff(float[] a, float[] b)
    {
        float[] d = new float[a.Length];
        TensorPrimitives.Subtract(a, b, d);
        return d;
    }

    /// <summary>The first photo of each class in samples/labels.csv, up to <paramref name="count"/>.</summary>
    private static string[] SamplePhotos(int count)
    {
        string? root = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null && root is null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "samples", "labels.csv")))
                root = dir.FullName;
        }
        Assert.NotNull(root);
        string samples = Path.Combine(root, "samples");
        return File.ReadLines(Path.Combine(samples, "labels.csv")).Skip(1)
            .Select(line => line.Split(','))
            .GroupBy(f => f[1]).Select(g => g.First())
            .Take(count)
            .Select(f => Path.Combine(samples, f[0]))
            .ToArray();
    }
}
