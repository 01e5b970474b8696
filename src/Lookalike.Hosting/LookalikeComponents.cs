using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Explain;
using Lookalike.Core.Feedback;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx;
using Lookalike.Hosting.Reliability;
using Lookalike.Imaging.Skia;
using Lookalike.Search.USearch;
using Lookalike.Storage.Sqlite;

namespace Lookalike.Hosting;

/// <summary>
/// The one place that picks implementations for the core contracts: it hands out <see cref="ICatalogStore"/>,
/// <see cref="IFeedbackStore"/>, <see cref="IImageDecoder"/> and <see cref="IImageEmbedder"/>, never the adapter types.
/// </summary>
public static class LookalikeComponents
{
    /// <summary>
    /// The recipe of a new store when <c>index</c> is given no <c>--model</c>: the best zero-shot recipe measured on both
    /// evaluation protocols and two datasets (docs/evaluation.md, "Zero-shot default"), at <see cref="DefaultPrecision"/>
    /// (<see cref="NewStoreModel"/>). An existing store keeps its own.
    /// </summary>
    public const string DefaultModel = "resnet18+gem3";

    /// <summary>The plain recipe: ResNet18's own average pooling, bit-identical to ML.NET's featurizer.</summary>
    public const string PlainModel = "resnet18";

    /// <summary>
    /// The precision of a new store when none is asked: int8 where the CPU has VNNI or AMX
    /// (<see cref="Int8Hardware.DotProduct"/>), where its mAP@10 is within 0.5% of fp32 on both retrieval protocols and it
    /// embeds ~3× faster (docs/benchmarks.md, "int8 by default"); fp32 elsewhere.
    /// </summary>
    public static EmbeddingPrecision DefaultPrecision { get; } = Int8Hardware.DotProduct is null ? EmbeddingPrecision.Fp32 : EmbeddingPrecision.Int8;

    /// <summary>This CPU's int8 dot-product instructions (<c>avx512-vnni</c>, …), null when none.</summary>
    public static string? CpuInt8Instructions => Int8Hardware.DotProduct;

    /// <summary>Why <see cref="DefaultPrecision"/> is what it is, for <c>info</c> and the index log.</summary>
    public static string DefaultPrecisionReason => Int8Hardware.DotProduct is { } found
        ? $"int8 (this CPU has {found})"
        : "fp32 (this CPU has no VNNI or AMX)";

    /// <summary>The model a new store gets without <c>--model</c>: <see cref="DefaultModel"/> at <paramref name="precision"/> (null: <see cref="DefaultPrecision"/>).</summary>
    public static string NewStoreModel(EmbeddingPrecision? precision = null) =>
        (precision ?? DefaultPrecision) == EmbeddingPrecision.Int8 ? BuiltInModels.ResNet18Int8 + "+gem3" : DefaultModel;

    /// <summary>
    /// How a new store indexed without <c>--model</c> embeds its photo queries (recorded by <c>index</c> at creation like
    /// the model, shown by <c>info</c>; <c>lookalike config --query-views full</c> turns it off): the whole photo and its
    /// centre zoom, the zoom's unit vector weighted 0.6 in the mean. Chosen on seed 2 of both protocols on products and
    /// clothing, reported on seed 1 with H&amp;M (docs/evaluation.md, round 6). Stores made before, or with a
    /// <c>--model</c>, keep <see cref="QueryViews.Full"/>.
    /// </summary>
    public static QueryViews NewStoreQueryViews { get; } = QueryViews.Parse("full+zoom*0.6");

    /// <summary>
    /// The model name to embed with: <paramref name="requested"/> when given (turned int8 by an explicit
    /// <c>--precision int8</c> when the model is resolved); else the built-in model or variant the store's vectors were
    /// made with (its recorded id without the fingerprint, <c>resnet18-int8+gem3@…</c> → <c>resnet18-int8+gem3</c>), so
    /// an existing store keeps its model and precision without options; else (a new store, or one of imported or manifest
    /// vectors this build cannot name) <see cref="NewStoreModel"/> at <paramref name="precision"/>.
    /// </summary>
    public static string ModelFor(ModelId? storeModel, string? requested, EmbeddingPrecision? precision = null)
    {
        if (!string.IsNullOrWhiteSpace(requested)) return requested;
        if (storeModel is not { } recorded || !CanCompute(recorded)) return NewStoreModel(precision);
        string name = recorded.Value.Split('@')[0];
        // An explicit --precision the store was not made with names that precision's copy of the store's recipe, so the
        // store refuses it as another model (ModelMismatch) instead of the option being silently ignored.
        return precision is { } asked && PrecisionOf(recorded) is { } own && own != asked ? OtherPrecision(name, asked) : name;
    }

    private static string OtherPrecision(string name, EmbeddingPrecision precision) =>
        precision == EmbeddingPrecision.Int8
            ? BuiltInModels.ResNet18Int8 + name[BuiltInModels.ResNet18.Length..]
            : BuiltInModels.ResNet18 + name[BuiltInModels.ResNet18Int8.Length..];

    /// <summary>The precision of <paramref name="model"/>'s vectors: int8 for resnet18's int8 copy and its variants, fp32 for any other model this build computes, null for imported vectors.</summary>
    public static EmbeddingPrecision? PrecisionOf(ModelId? model) =>
        model is not { } m || !CanCompute(m) ? null
        : m.Value.StartsWith(BuiltInModels.ResNet18Int8, StringComparison.OrdinalIgnoreCase) ? EmbeddingPrecision.Int8
        : EmbeddingPrecision.Fp32;

    /// <summary>The model recorded by the store in <paramref name="directory"/>; null when there is no store there yet or it holds no vectors.</summary>
    public static ModelId? RecordedModel(string directory)
    {
        try
        {
            using var store = OpenStore(directory, create: false);
            return store.Model;
        }
        catch (LookalikeException e) when (e.Kind == LookalikeErrorKind.NotFound)
        {
            return null; // the server reports the missing store itself, with its own message
        }
    }

    /// <summary>Opens (or with <paramref name="create"/> creates) the catalog in <paramref name="directory"/>.</summary>
    /// <exception cref="LookalikeException">NotFound, StoreCorrupt or StoreUnavailable, naming the folder.</exception>
    public static ICatalogStore OpenStore(string directory, bool create) => SqliteCatalogStore.Open(directory, create);

    /// <summary>Opens the feedback side of the store in <paramref name="directory"/> (the same database file).</summary>
    /// <exception cref="LookalikeException">NotFound, StoreUnavailable (a read-only store without the feedback schema) or StoreCorrupt.</exception>
    public static IFeedbackStore OpenFeedback(string directory) => SqliteFeedbackStore.Open(directory);

    /// <summary>The storage adapter's check of a store's own files, for <c>lookalike verify</c>.</summary>
    public static IStoreFileCheck CreateStoreFileCheck() => new SqliteStoreCheck();

    /// <summary>The search adapter's look at the HNSW cache beside the store, against what the store holds (notes only: a bad cache is rebuilt).</summary>
    public static IReadOnlyList<VerifyFinding> InspectIndexCache(string location, string? model, int dimension, long generation) =>
        HnswIndexCache.Inspect(location, model, dimension, generation);

    /// <summary>What decodes JPEG pixels here (the system libjpeg-turbo when installed), for benchmark output.</summary>
    public static string JpegDecoder => SkiaImageDecoder.JpegDecoder;

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
    /// The feature-map reader for explaining vectors of <paramref name="model"/> (a built-in model or variant, or a
    /// manifest at the recorded name): the model's graphs up to the map its pooling reads.
    /// </summary>
    /// <exception cref="LookalikeException">ModelUnavailable: the model cannot be computed here (imported vectors) or has no known feature map.</exception>
    public static IFeatureMapReader CreateFeatureMapReader(ModelId model) => OpenFeatureMapReader(model, Environment.ProcessorCount);

    /// <summary>
    /// The feature-map reader that embeds photo queries through <paramref name="views"/>: its network runs go at once
    /// (<see cref="Evaluation.QueryViewEmbedder"/>), so each run gets its share of the cores rather than all of them
    /// (two runs on two cores: one thread each, no oversubscription).
    /// </summary>
    public static IFeatureMapReader CreateQueryViewReader(ModelId model, QueryViews views)
    {
        ArgumentNullException.ThrowIfNull(views);
        int cores = Environment.ProcessorCount;
        return OpenFeatureMapReader(model, Math.Max(1, cores / Math.Clamp(views.NetworkRuns, 1, cores)));
    }

    private static OnnxFeatureMapReader OpenFeatureMapReader(ModelId model, int threads)
    {
        if (!CanCompute(model))
            throw new LookalikeException(LookalikeErrorKind.ModelUnavailable,
                $"Vectors of model '{model}' were not computed by a model this build can run (imported vectors), so they cannot be explained.", model.Value);
        return new OnnxFeatureMapReader(BuiltInModels.Resolve(model.Value.Split('@')[0]), new OnnxEmbeddingOptions { IntraOpThreads = threads });
    }

    /// <summary>
    /// The embedder for photo queries against a store whose vectors are of <paramref name="storeModel"/>: the model
    /// <see cref="ModelFor"/> names, so <c>--model</c> never has to be repeated; a different <paramref name="model"/>
    /// is refused when it is used (ModelMismatch).
    /// </summary>
    /// <exception cref="LookalikeException">ModelUnavailable when the model's files are missing or invalid.</exception>
    public static IImageEmbedder CreateEmbedderFor(ModelId? storeModel, string? model) => CreateEmbedder(ModelFor(storeModel, model));

    /// <summary>Re-shoots catalog photos as synthetic shopper photos, for the cross-domain evaluation protocol.</summary>
    public static IShopperPhotoSynthesizer CreateShopperPhotoSynthesizer() => new SkiaShopperPhotoSynthesizer();

    /// <summary>Loads a built-in model or variant or a manifest.json path (null: <see cref="NewStoreModel"/>); throws ModelUnavailable naming the file when it cannot.</summary>
    public static IImageEmbedder CreateEmbedder(string? model) =>
        new OnnxImageEmbedder(BuiltInModels.Resolve(string.IsNullOrWhiteSpace(model) ? NewStoreModel() : model));
}
