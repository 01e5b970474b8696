using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Telemetry;

namespace Lookalike.Hosting.Query;

/// <summary>
/// Embeds outside photos (queries, uploads, recommendation seeds) for a store: the model is loaded on the first photo,
/// and checked against the model the store's vectors were made with. Yields raw vectors; map them with the service's
/// <see cref="QueryService.Space"/> to search. Thread-safe; owns the model session.
/// </summary>
public sealed class QueryEmbedder : IDisposable
{
    private readonly ICatalogStore _store;
    private readonly IImageDecoder _decoder;
    private readonly Lazy<IImageEmbedder> _embedder;

    internal QueryEmbedder(ICatalogStore store, IImageDecoder decoder, Func<IImageEmbedder> embedderFactory, ModelId? storeModel)
    {
        _store = store;
        _decoder = decoder;
        _embedder = new Lazy<IImageEmbedder>(embedderFactory, LazyThreadSafetyMode.ExecutionAndPublication);
        StoreModel = storeModel;
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
        if (StoreModel is { } model && model != embedder.Model)
            throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                $"Store {_store.Location} holds vectors of model '{model}', but the query model is '{embedder.Model}'. Use --model matching the store.",
                _store.Location);
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
    }
}
