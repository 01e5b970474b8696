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
        Output[] reference = MlNetFeatures(SamplePhotos(8));

        using var embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18));
        float[] ours = new float[embedder.Dimension];
        var cosines = new List<double>();
        foreach (Output row in reference)
        {
            embedder.Embed(ToDecodedImage(row.Pixels), ours);
            float[] theirs = Unit(row.Features);
            float cosine = TensorPrimitives.Dot<float>(ours, theirs);
            cosines.Add(cosine);
            float maxDiff = TensorPrimitives.MaxMagnitude(Diff(ours, theirs));
            output.WriteLine($"{Path.GetFileName(row.ImagePath)}: cosine {cosine:F7}, max |diff| {maxDiff:E2}");
            // The same ONNX graphs on the same pixels: only float reassociation may differ (measured: max |diff| 0).
            Assert.True(cosine >= 0.99999f, $"{row.ImagePath}: cosine {cosine:F7} < 0.99999");
            Assert.True(maxDiff < 1e-4f, $"{row.ImagePath}: max |diff| {maxDiff:E2} ≥ 1e-4");
        }
        output.WriteLine($"min cosine {cosines.Min():F7} over {cosines.Count} photos");

        // The reference must not be trivially equal: different photos give different vectors.
        Assert.True(TensorPrimitives.Dot<float>(Unit(reference[0].Features), Unit(reference[1].Features)) < 0.99f);
    }

    /// <summary>
    /// The whole product path — our SkiaSharp 3 decoder and centre-crop, then the embedder — run by the real
    /// <c>lookalike index</c> in a child process (SkiaSharp 3 cannot load beside ML.NET's 2.88), against ML.NET's own
    /// LoadImages → ResizeImages pipeline on the same JPEG files. Decoders and resamplers differ, so this bound is looser.
    /// </summary>
    [Fact]
    public void Index_SamplePhotosThroughOurDecoder_CloseToMlNetPipeline()
    {
        string[] paths = SamplePhotos(8);
        string dir = Path.Combine(Path.GetTempPath(), "lookalike-tests", Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "photos"));
            foreach (string p in paths) File.Copy(p, Path.Combine(dir, "photos", Path.GetFileName(p)));
            Lookalike(dir, "index", "photos", "--store", "store", "--model", "resnet18"); // the plain recipe ML.NET computes
            Lookalike(dir, "export", "--out", "v.npy", "--store", "store");
            string[] ids = File.ReadAllLines(Path.Combine(dir, "v.ids.txt"));
            (int rows, int dimension, float[] vectors) = Core.Vectors.NpyFormat.Read(File.OpenRead(Path.Combine(dir, "v.npy")), "v.npy");
            Assert.Equal((paths.Length, 512), (rows, dimension));

            var cosines = new List<float>();
            foreach (Output row in MlNetFeatures(paths))
            {
                int i = Array.IndexOf(ids, Path.GetFileName(row.ImagePath));
                Assert.True(i >= 0, $"{row.ImagePath} was not indexed");
                float cosine = TensorPrimitives.Dot<float>(vectors.AsSpan(i * 512, 512), Unit(row.Features));
                cosines.Add(cosine);
                output.WriteLine($"{Path.GetFileName(row.ImagePath)}: cosine {cosine:F5} (our decoder and crop vs ML.NET's)");
            }
            output.WriteLine($"min cosine {cosines.Min():F5}, mean {cosines.Average():F5}");
            Assert.All(cosines, c => Assert.True(c >= OwnDecoderFloor, $"cosine {c:F5} < {OwnDecoderFloor}"));
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
    }

    // Measured on these 8 photos: cosine 0.9976–0.99995, mean 0.9995 (JPEG decoder and resampler differ: Skia 3 with
    // a DCT-scaled decode vs ML.NET's Skia 2.88 full decode). Floor = lowest measured − 0.0026.
    private const float OwnDecoderFloor = 0.995f;

    private static Output[] MlNetFeatures(string[] paths)
    {
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(paths.Select(p => new Input { ImagePath = p }));
        var pipeline = ml.Transforms.LoadImages("Image", imageFolder: "", inputColumnName: nameof(Input.ImagePath))
            .Append(ml.Transforms.ResizeImages("Image", Size, Size)) // default IsoCrop, centre anchor
            .Append(ml.Transforms.ExtractPixels(nameof(Output.Pixels), "Image"))
            .Append(ml.Transforms.DnnFeaturizeImage(nameof(Output.Features),
                m => m.ModelSelector.ResNet18(ml, m.OutputColumn, m.InputColumn), nameof(Output.Pixels)));
        Output[] reference = ml.Data.CreateEnumerable<Output>(pipeline.Fit(data).Transform(data), reuseRowObject: false).ToArray();
        Assert.Equal(paths.Length, reference.Length);
        Assert.All(reference, r => Assert.Equal(512, r.Features.Length));
        return reference;
    }

    /// <summary>Runs the built <c>lookalike</c> program in <paramref name="workingDirectory"/>; a non-zero exit fails the test.</summary>
    private static void Lookalike(string workingDirectory, params string[] args)
    {
        string dll = typeof(MlNetResNet18Tests).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "LookalikeCli").Value!;
        Assert.True(File.Exists(dll), $"{dll} is not built");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("LOOKALIKE_STORE");
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"lookalike {string.Join(' ', args)} did not finish");
        Assert.True(process.ExitCode == 0, $"lookalike {string.Join(' ', args)}: exit {process.ExitCode}\n{stdout.Result}{stderr}");
    }

    private static float[] Unit(float[] v)
    {
        float[] u = new float[v.Length];
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), u);
        return u;
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
