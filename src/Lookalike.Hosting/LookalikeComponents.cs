using Lookalike.Core.Embedding;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx;
using Lookalike.Hosting.Reliability;
using Lookalike.Imaging.Skia;
using Lookalike.Storage.Sqlite;

namespace Lookalike.Hosting;

/// <summary>The one place that picks implementations for the core contracts.</summary>
public static class LookalikeComponents
{
    /// <summary>The built-in model name used when none is given.</summary>
    public const string DefaultModel = "resnet18";

    public static SqliteCatalogStore OpenStore(string directory, bool create) => SqliteCatalogStore.Open(directory, create);

    /// <remarks>With a positive <see cref="ImageDecoderOptions.DecodeTimeout"/> (the default) every call is time-limited (<see cref="TimeLimitedImageDecoder"/>).</remarks>
    public static IImageDecoder CreateDecoder(ImageDecoderOptions? options = null)
    {
        options ??= new ImageDecoderOptions();
        var skia = new SkiaImageDecoder(options);
        return options.DecodeTimeout > TimeSpan.Zero ? new TimeLimitedImageDecoder(skia, options.DecodeTimeout) : skia;
    }

    /// <summary>Loads <c>resnet18</c> or a manifest.json path; throws ModelUnavailable naming the file when it cannot.</summary>
    public static IImageEmbedder CreateEmbedder(string? model) =>
        new OnnxImageEmbedder(BuiltInModels.Resolve(string.IsNullOrWhiteSpace(model) ? DefaultModel : model));
}
