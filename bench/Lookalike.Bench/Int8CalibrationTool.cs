using Lookalike.Embedding.Onnx;
using Lookalike.Embedding.Onnx.Quantization;
using Lookalike.Hosting;

namespace Lookalike.Bench;

/// <summary>The int8 calibration tool: activation ranges of the fp32 model on sample photos, for the int8 copy.</summary>
public static class Int8CalibrationTool
{
    /// <summary>
    /// Measures int8 activation ranges of the fp32 model on up to 256 photos of <paramref name="folder"/> and writes them to
    /// <paramref name="path"/> (how resnet18-int8.calibration.json is made).
    /// </summary>
    public static void Run(string folder, string? model, string path)
    {
        using var fp32 = new OnnxImageEmbedder(BuiltInModels.Resolve(string.IsNullOrWhiteSpace(model) ? LookalikeComponents.PlainModel : model)); // int8 quantises the plain network
        var decoder = LookalikeComponents.CreateDecoder();
        var files = EmbedBenchmark.ImageFiles(folder).Take(256).ToList();
        Console.Error.WriteLine($"calibrating {fp32.Model} on {files.Count} photos of {folder} …");
        int used = Int8Quantization.WriteCalibration(fp32, files.Select(f => decoder.Decode(File.ReadAllBytes(f), f, fp32.Target)),
            $"{Path.GetRelativePath(Environment.CurrentDirectory, folder)}: {files.Count} photos", path);
        Console.Error.WriteLine($"wrote {path} ({used} photos)");
    }
}
