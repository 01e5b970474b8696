using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Telemetry;

namespace Lookalike.Hosting.Query;

/// <summary>
/// Embeds outside photos (queries, uploads, recommendation seeds) for a store: the model is loaded on the first photo,
/// and checked against the model the store's vectors were made with. Yields raw vectors; map them with the service's
/// <see cref="QueryService.Space"/> to search. A whole photo asked about (<see cref="EmbedQueryPhoto"/>) goes through the
/// store's <see cref="Views"/>; photos that become catalog items, and parts of photos, are embedded as the catalog was.
/// Thread-safe; owns the model session and the feature-map reader the views need.
/// </summary>
public sealed class QueryEmbedder : IDisposable
{
    private readonly ICatalogStore _store;
    private readonly IImageDecoder _decoder;
    private readonly Lazy<IImageEmbedder> _embedder;
    private readonly Lazy<IFeatureMapReader>? _viewReader;

    internal QueryEmbedder(ICatalogStore store, IImageDecoder decoder, Func<IImageEmbedder> embedderFactory, ModelId? storeModel,
        QueryViews views, Func<ModelId, IFeatureMapReader> viewReaderFactory)
    {
        _store = store;
        _decoder = decoder;
        _embedder = new Lazy<IImageEmbedder>(embedderFactory, LazyThreadSafetyMode.ExecutionAndPublication);
        StoreModel = storeModel;
        if (views.Combine == ViewCombination.Max)
            throw new LookalikeException(LookalikeErrorKind.StoreCorrupt,
                $"Store {store.Location} records query views '{views}': a store's views are averaged into one query vector, ':max' is for 'lookalike eval' only. Run 'lookalike config --query-views {views.ToString().Split(':')[0]}'.", store.Location);
        Views = views;
        if (!views.IsFull)
            _viewReader = new Lazy<IFeatureMapReader>(() => OpenViewReader(viewReaderFactory), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>How whole query photos are embedded: the store's recorded setting, <see cref="QueryViews.Full"/> by default.</summary>
    public QueryViews Views { get; }

    /// <summary>
    /// A query photo as a raw vector, through the store's <see cref="Views"/> (their unit vectors averaged and
    /// re-normalised); with <see cref="QueryViews.Full"/>, the same as <see cref="EmbedImage"/>.
    /// </summary>
    /// <exception cref="LookalikeException">As <see cref="EmbedImage"/>.</exception>
    public float[] EmbedQueryPhoto(ReadOnlySpan<byte> imageBytes, string sourceName)
    {
        if (_viewReader is null) return EmbedImage(imageBytes, sourceName);
        CheckModel(_embedder.Value);
        var reader = _viewReader.Value;
        using (LookalikeTelemetry.Start(LookalikeTelemetry.EmbedSpan))
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            float[] vector = new Evaluation.QueryViewEmbedder(reader, _decoder).Embed(imageBytes, sourceName, [Views])[0][0];
            LookalikeTelemetry.Embedded(System.Diagnostics.Stopwatch.GetElapsedTime(start));
            return vector;
        }
    }

    /// <summary>The model that embeds outside photos (loads it on first use).</summary>
    /// <exception cref="LookalikeException">ModelUnavailable when the model cannot be loaded.</exception>
    public ModelId QueryModel => _embedder.Value.Model;

    /// <summary>The model recorded in the store when it was opened; null for a store never indexed.</summary>
    public ModelId? StoreModel { get; }

    /// <summary>True once the query model is loaded.</summary>
    public bool IsModelLoaded => _embedder.IsValueCreated;

    /// <summary>Decodes the part <paramref name="box"/> of a photo (the whole photo when null) and embeds it with the store's model: a raw vector.</summary>
    /// <exception cref="LookalikeException">ModelMismatch (the query model is not the store's), ModelUnavailable, InvalidArgument naming the box, decode errors.</exception>
    public float[] EmbedImage(ReadOnlySpan<byte> imageBytes, string sourceName, ImageBox? box = null)
    {
        var embedder = _embedder.Value;
        CheckModel(embedder);
        DecodedImage image;
        using (LookalikeTelemetry.Start(LookalikeTelemetry.DecodeSpan))
        {
            try
            {
                image = _decoder.Decode(imageBytes, sourceName, embedder.Target with { Box = box });
            }
            catch (LookalikeException e) when (e.Kind is LookalikeErrorKind.UnsupportedImage or LookalikeErrorKind.CorruptImage
                                                   or LookalikeErrorKind.ImageTooLarge or LookalikeErrorKind.DecodeTimeout)
            {
                LookalikeTelemetry.DecodeFailed(e.Kind.ToString());
                throw;
            }
        }
        var vector = new float[embedder.Dimension];
        using (LookalikeTelemetry.Start(LookalikeTelemetry.EmbedSpan))
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            embedder.Embed(image, vector);
            LookalikeTelemetry.Embedded(System.Diagnostics.Stopwatch.GetElapsedTime(start));
        }
        return vector;
    }

    public void Dispose()
    {
        if (_embedder.IsValueCreated) _embedder.Value.Dispose();
        if (_viewReader is { IsValueCreated: true }) _viewReader.Value.Dispose();
    }

    private void CheckModel(IImageEmbedder embedder)
    {
        if (StoreModel is { } model && model != embedder.Model)
            throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                $"Store {_store.Location} holds vectors of model '{model}', but the query model is '{embedder.Model}'. Use --model matching the store.",
                _store.Location);
    }

    /// <summary>The feature-map reader of the query model, which must be the model the views' full view equals.</summary>
    private IFeatureMapReader OpenViewReader(Func<ModelId, IFeatureMapReader> factory)
    {
        var model = _embedder.Value.Model;
        var reader = factory(model);
        if (reader.Model != model)
            throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                $"Query views of store {_store.Location} would be embedded with '{reader.Model}', but its photo queries use '{model}'.", _store.Location);
        return reader;
    }
}
