using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
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

    /// <summary>
    /// Whether this build can compute vectors of <paramref name="model"/> (a built-in model or variant, or a manifest at the
    /// recorded name); false for vectors imported from elsewhere (<c>vectors import --model-name</c>, <c>vectors synth</c>).
    /// </summary>
    public static bool CanCompute(ModelId model)
    {
        string name = model.Value.Split('@')[0];
        try
        {
            _ = BuiltInModels.Resolve(name);
            return true;
        }
        catch (LookalikeException)
        {
            return false;
        }
    }

    /// <summary>
    /// The embedder for photo queries against a store whose vectors are of <paramref name="storeModel"/>:
    /// <paramref name="model"/> when given (a different model is refused later, as ModelMismatch), else the built-in
    /// model or variant named by the store's recorded id (<c>resnet18+gem3@…</c> → <c>resnet18+gem3</c>), so
    /// <c>--model</c> never has to be repeated.
    /// </summary>
    /// <exception cref="LookalikeException">ModelUnavailable naming the store's model when it is not built in (a manifest
    /// or imported vectors) and no <paramref name="model"/> is given.</exception>
    public static IImageEmbedder CreateEmbedderFor(ModelId? storeModel, string? model)
    {
        if (!string.IsNullOrWhiteSpace(model) || storeModel is null) return CreateEmbedder(model);
        if (!CanCompute(storeModel.Value))
            throw new LookalikeException(LookalikeErrorKind.ModelUnavailable,
                $"The store's vectors are of model '{storeModel}', which is not built in; give --model with the path of its manifest.json.",
                storeModel.Value.Value);
        return CreateEmbedder(storeModel.Value.Value.Split('@')[0]);
    }

    /// <summary>Re-shoots catalog photos as synthetic shopper photos, for the cross-domain evaluation protocol.</summary>
    public static IShopperPhotoSynthesizer CreateShopperPhotoSynthesizer() => new SkiaShopperPhotoSynthesizer();

    /// <summary>Loads <c>resnet18</c> or a manifest.json path; throws ModelUnavailable naming the file when it cannot.</summary>
    public static IImageEmbedder CreateEmbedder(string? model) =>
        new OnnxImageEmbedder(BuiltInModels.Resolve(string.IsNullOrWhiteSpace(model) ? DefaultModel : model));
}
