using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Core.Learning;
using Lookalike.Embedding.Onnx.Quantization;

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

    /// <summary>
    /// <see cref="ResNet18"/> with the network statically quantised to int8 (QDQ, see <c>Quantization/</c>), calibrated
    /// on the bundled sample photos; the preprocessing is unchanged. Its vectors differ slightly from fp32, so it has
    /// its own model id (<c>resnet18-int8@…</c>) and a store indexed with it is queried with it.
    /// </summary>
    public const string ResNet18Int8 = "resnet18-int8";

    /// <summary>The shipped calibration table of <see cref="ResNet18Int8"/>, next to the weights.</summary>
    internal const string ResNet18Int8Calibration = "resnet18-int8.calibration.json";

    /// <summary>Names <see cref="Resolve(string)"/> accepts besides manifest paths.</summary>
    public static IReadOnlyList<string> Names { get; } = [ResNet18, ResNet18Int8];

    /// <summary>
    /// As <see cref="Resolve(string)"/>, at a precision: <see cref="EmbeddingPrecision.Int8"/> turns <c>resnet18</c> into
    /// <c>resnet18-int8</c> (the only network with a shipped calibration table), suffixes kept (<c>resnet18+gem3</c> →
    /// <c>resnet18-int8+gem3</c>).
    /// </summary>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.ModelUnavailable"/>: int8 asked for a model without a calibration table, or files missing.</exception>
    public static ModelManifest Resolve(string nameOrPath, EmbeddingPrecision precision)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (SplitSuffixes(nameOrPath) is (string bare, var augmentation, var pooling, var readout) && bare != nameOrPath)
            return WithSuffixes(Resolve(bare, precision), augmentation, pooling, readout);
        if (precision == EmbeddingPrecision.Fp32 || string.Equals(nameOrPath, ResNet18Int8, StringComparison.OrdinalIgnoreCase))
            return Resolve(nameOrPath);
        if (string.Equals(nameOrPath, ResNet18, StringComparison.OrdinalIgnoreCase))
            return Resolve(ResNet18Int8);
        throw new LookalikeException(LookalikeErrorKind.ModelUnavailable,
            $"Precision int8 is available for the built-in '{ResNet18}' only (model '{nameOrPath}' has no calibration table).", nameOrPath);
    }

    /// <summary>
    /// <c>"resnet18"</c> (any case) → the bundled model's manifest; anything else is a path to a <c>manifest.json</c>,
    /// or to a folder containing one, read with <see cref="ModelManifest.Load"/>. A <c>+flip</c> suffix on either
    /// (<c>resnet18+flip</c>, <c>my/manifest.json+flip</c>) sets <see cref="ModelManifest.Augmentation"/> to
    /// <see cref="TestTimeAugmentation.Flip"/>: the same network, another model id. A <c>+gem3</c> (<c>+gem{p}</c>,
    /// <c>+max</c>) suffix sets <see cref="ModelManifest.Pooling"/>; the built-in resnet18 then reads its last feature map
    /// (<see cref="ResNet18FeatureMap"/>) instead of its own average pooling, a manifest must already name a feature map.
    /// A <c>+regions</c> suffix appends the feature map's regions to every vector (<see cref="ModelManifest.Readout"/>,
    /// <see cref="RegionVectors"/>), for a catalog that learns a head reading them; it needs a feature map likewise.
    /// Suffixes combine in any order (<c>resnet18+flip+gem3</c>, <c>resnet18+gem3+regions</c>).
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
        if (SplitSuffixes(nameOrPath) is (string bare, var augmentation, var pooling, var readout) && bare != nameOrPath)
            return WithSuffixes(Resolve(bare), augmentation, pooling, readout);
        if (string.Equals(nameOrPath, ResNet18, StringComparison.OrdinalIgnoreCase))
            return ResNet18Manifest();
        if (string.Equals(nameOrPath, ResNet18Int8, StringComparison.OrdinalIgnoreCase))
            return ResNet18Int8Manifest();
        string path = Directory.Exists(nameOrPath) ? Path.Combine(nameOrPath, "manifest.json") : nameOrPath;
        return ModelManifest.Load(path);
    }

    /// <summary>
    /// Splits trailing <c>+flip</c>, <c>+gem{p}</c>/<c>+max</c>/<c>+avg</c> and <c>+regions</c> suffixes (any order, any
    /// case) off a model name or path; a path that exists as given is never split.
    /// </summary>
    private static (string Bare, TestTimeAugmentation Augmentation, EmbeddingPooling Pooling, HeadReadout Readout) SplitSuffixes(string nameOrPath)
    {
        string bare = nameOrPath;
        var augmentation = TestTimeAugmentation.None;
        EmbeddingPooling pooling = EmbeddingPooling.Average;
        var readout = HeadReadout.None;
        while (!Path.Exists(bare) && bare.LastIndexOf('+') is int plus and > 0)
        {
            string suffix = bare[(plus + 1)..];
            if (string.Equals(suffix, "flip", StringComparison.OrdinalIgnoreCase)) augmentation = TestTimeAugmentation.Flip;
            else if (string.Equals(suffix, RegionVectors.Suffix, StringComparison.OrdinalIgnoreCase)) readout = HeadReadout.Regions;
            else if (EmbeddingPooling.TryParse(suffix, out EmbeddingPooling p, out _)) pooling = p;
            else break;
            bare = bare[..plus];
        }
        return (bare, augmentation, pooling, readout);
    }

    /// <summary>The bare manifest with the suffixes applied; the built-in resnet18 then reads its last feature map.</summary>
    private static ModelManifest WithSuffixes(ModelManifest manifest, TestTimeAugmentation augmentation, EmbeddingPooling pooling, HeadReadout readout)
    {
        manifest = manifest with { Augmentation = augmentation, Pooling = pooling, Readout = readout };
        if ((!pooling.IsAverage || readout != HeadReadout.None) && manifest.Name is ResNet18 or ResNet18Int8)
            manifest = WithFeatureMapOutput(manifest);
        return manifest;
    }

    /// <summary>
    /// The manifest with its last graph ending at the feature map its pooling reads: unchanged when it pools a map
    /// itself, ResNet18's <see cref="ResNet18FeatureMap"/> instead of its own average pooling (the built-in model and
    /// its int8 copy), else unchanged (a manifest naming a pooled output is refused by the reader).
    /// </summary>
    internal static ModelManifest WithFeatureMapOutput(ModelManifest manifest) =>
        manifest.Graphs[^1].Output == ResNet18PooledOutput
            ? manifest with { Graphs = [.. manifest.Graphs.Take(manifest.Graphs.Count - 1), manifest.Graphs[^1] with { Output = FeatureMapOf(manifest) }] }
            : manifest;

    /// <summary>
    /// ResNet18's last feature map in <paramref name="manifest"/>'s network: <see cref="ResNet18FeatureMap"/> in the float
    /// file; in the int8 copy the last ReLU is folded into the Add before it (its clamp is the uint8 range), so the
    /// clamped map is the output of that tensor's DequantizeLinear (<see cref="ResNet18Int8FeatureMap"/>). Reading the
    /// Add's own float output instead would skip the clamp and stop the runtime fusing the Add into a QLinearAdd.
    /// </summary>
    private static string FeatureMapOf(ModelManifest manifest) => manifest.Name == ResNet18Int8 ? ResNet18Int8FeatureMap : ResNet18FeatureMap;

    /// <summary>The int8 copy's last feature map, [1,512,7,7]: <see cref="ResNet18FeatureMap"/> after its quantise/dequantise pair.</summary>
    public const string ResNet18Int8FeatureMap = ResNet18FeatureMap + "_dequantized";

    /// <summary>Whether <paramref name="manifest"/> runs resnet18's int8 copy (any variant).</summary>
    public static bool IsInt8(ModelManifest manifest) => manifest?.Name == ResNet18Int8;

    /// <summary>ResNet18's global-average-pooled output, [1,512,1,1].</summary>
    private const string ResNet18PooledOutput = "Pooling395_Output_0";

    /// <summary>The input of that pooling: the last ReLU's feature map, [1,512,7,7], an intermediate tensor of the file.</summary>
    public const string ResNet18FeatureMap = "ReLU393_Output_0";

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
                new ModelGraph("ResNet18.onnx", "Input247", ResNet18PooledOutput),             // [1,3,224,224] → [1,512,1,1]
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

    private static ModelManifest ResNet18Int8Manifest()
    {
        ModelManifest fp32 = ResNet18Manifest();
        string folder = fp32.BaseDirectory;
        string tablePath = Path.Combine(folder, ResNet18Int8Calibration);
        string network = fp32.ResolvePath(fp32.Graphs[1]);
        string quantized;
        try
        {
            quantized = QuantizedModels.GetOrCreate(network, CalibrationTable.Load(tablePath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or NotSupportedException or System.Text.Json.JsonException)
        {
            throw new LookalikeException(LookalikeErrorKind.ModelUnavailable,
                $"Built-in model '{ResNet18Int8}' could not be prepared from {network} and {tablePath} (cache {QuantizedModels.CacheDirectory()}): {e.Message}", tablePath, e);
        }
        var manifest = fp32 with
        {
            Name = ResNet18Int8,
            Graphs =
            [
                fp32.Graphs[0],                                                   // same preprocessing (folded into C#)
                new ModelGraph(quantized, fp32.Graphs[1].Input, fp32.Graphs[1].Output), // absolute path into the cache
            ],
        };
        manifest.Validate(ResNet18Int8);
        return manifest;
    }
}
