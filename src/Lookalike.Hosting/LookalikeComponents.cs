using Lookalike.Core.Embedding;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx;
using Lookalike.Imaging.Skia;
using Lookalike.Storage.Sqlite;

namespace Lookalike.Hosting;

/// <summary>The one place that picks implementations for the core contracts.</summary>
public static class LookalikeComponents
{
    /// <summary>The built-in model name used when none is given.</summary>
    public const string DefaultModel = "resnet18";

    public static SqliteCatalogStore OpenStore(string directory, bool create) => SqliteCatalogStore.Open(directory, create);

    public static IImageDecoder CreateDecoder(ImageDecoderOptions? options = null) => new SkiaImageDecoder(options ?? new ImageDecoderOptions());

    /// <summary>Loads <c>resnet18</c> or a manifest.json path; throws ModelUnavailable naming the file when it cannot.</summary>
    public static IImageEmbedder CreateEmbedder(string? model) =>
        new OnnxImageEmbedder(BuiltInModels.Resolve(string.IsNullOrWhiteSpace(model) ? DefaultModel : model));
}
