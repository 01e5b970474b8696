using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// Models that ship with Lookalike, and the one way to turn a user's <c>--model</c> value into a <see cref="ModelManifest"/>.
/// </summary>
public static class BuiltInModels
{
    /// <summary>
    /// ResNet18 (ImageNet) as packaged for ML.NET's <c>DnnFeaturizeImage</c>: 512-d global-average-pooled features.
    /// Two graphs: <c>ResNetPreprocess.onnx</c> (<c>OriginalInput</c> → <c>PreprocessedInput</c>, both
    /// [1,3,224,224]) takes planar RGB 0–255, swaps to BGR and subtracts the per-pixel ImageNet mean image;
    /// <c>ResNet18.onnx</c> (<c>Input247</c> [1,3,224,224] → <c>Pooling395_Output_0</c> [1,512,1,1]) is the CNTK network.
    /// </summary>
    public const string ResNet18 = "resnet18";

    /// <summary>Names <see cref="Resolve"/> accepts besides manifest paths.</summary>
    public static IReadOnlyList<string> Names { get; } = [ResNet18];

    /// <summary>
    /// <c>"resnet18"</c> (any case) → the bundled model's manifest; anything else is a path to a <c>manifest.json</c>,
    /// or to a folder containing one, read with <see cref="ModelManifest.Load"/>.
    /// </summary>
    /// <remarks>
    /// The built-in resnet18 fits photos with <see cref="ResizeMode.CenterCrop"/>, which is what ML.NET's
    /// <c>ResizeImages</c> does by default (<c>ResizingKind.IsoCrop</c>, centre anchor) and how ImageNet models are
    /// evaluated: no distortion, at the cost of the borders of non-square photos.
    /// </remarks>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.ModelUnavailable"/>: the bundled files or the manifest are missing or invalid.</exception>
    public static ModelManifest Resolve(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (string.Equals(nameOrPath, ResNet18, StringComparison.OrdinalIgnoreCase))
            return ResNet18Manifest();
        string path = Directory.Exists(nameOrPath) ? Path.Combine(nameOrPath, "manifest.json") : nameOrPath;
        return ModelManifest.Load(path);
    }

    private static ModelManifest ResNet18Manifest()
    {
        // The build copies the weights to <output>/models/resnet18. AppContext.BaseDirectory is the app's folder;
        // the assembly's own folder covers hosts that load this library from elsewhere (test runners, plugins).
        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "models", ResNet18),
            Path.Combine(Path.GetDirectoryName(typeof(BuiltInModels).Assembly.Location) ?? AppContext.BaseDirectory, "models", ResNet18),
        ];
        string? folder = candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "ResNet18.onnx")) && File.Exists(Path.Combine(d, "ResNetPreprocess.onnx")));
        if (folder is null)
        {
            throw new LookalikeException(LookalikeErrorKind.ModelUnavailable,
                $"Built-in model '{ResNet18}' is not installed: ResNetPreprocess.onnx and ResNet18.onnx not found in {string.Join(" or ", candidates.Distinct())}.",
                candidates[0]);
        }

        var manifest = new ModelManifest
        {
            Name = ResNet18,
            Graphs =
            [
                new ModelGraph("ResNetPreprocess.onnx", "OriginalInput", "PreprocessedInput"), // [1,3,224,224] RGB 0–255 → BGR minus mean image
                new ModelGraph("ResNet18.onnx", "Input247", "Pooling395_Output_0"),              // [1,3,224,224] → [1,512,1,1]
            ],
            InputWidth = 224,
            InputHeight = 224,
            Resize = ResizeMode.CenterCrop,
            ChannelOrder = ChannelOrder.Rgb,
            Scale = 1f,
            Mean = [0f, 0f, 0f],
            Std = [1f, 1f, 1f],
            BatchDimension = true,
            Dimension = 512,
            BaseDirectory = folder,
        };
        manifest.Validate(ResNet18);
        return manifest;
    }
}
