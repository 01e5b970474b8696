using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Serving;

namespace Lookalike.Hosting.Explain;

/// <summary>
/// Explains look-alikes: re-reads both photos, runs the store's model up to its last feature map and splits the
/// cosine over both grids (<see cref="SimilarityExplanation"/>), beside shared metadata and dominant colours.
/// The feature-map session is made on first use and shared; thread-safe.
/// </summary>
public sealed class ExplainService : IDisposable
{
    /// <summary>Side of the small copy dominant colours are computed from (stretched: area shares are kept).</summary>
    private const int ColourSide = 64;

    private readonly QueryService _query;
    private readonly IImageDecoder _decoder;
    private readonly Lazy<IFeatureMapReader> _reader;
    private readonly PhotoFiles? _photos;

    /// <param name="query">The catalog (items, photos, the store's model id).</param>
    /// <param name="decoder">Decodes both photos (an upload decoder with its limits for servers).</param>
    /// <param name="readerFactory">Makes the feature-map reader for the store's model; null: <see cref="LookalikeComponents.CreateFeatureMapReader"/>.</param>
    /// <param name="photos">Servers: which photo files may be read (see <see cref="ItemPhoto.Read"/>).</param>
    public ExplainService(QueryService query, IImageDecoder decoder, Func<ModelId, IFeatureMapReader>? readerFactory = null, PhotoFiles? photos = null)
    {
        _photos = photos;
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(decoder);
        _query = query;
        _decoder = decoder;
        readerFactory ??= LookalikeComponents.CreateFeatureMapReader;
        _reader = new Lazy<IFeatureMapReader>(() => OpenReader(readerFactory), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Why catalog item <paramref name="result"/> looks like item <paramref name="query"/> (optionally only its part <paramref name="queryBox"/>).</summary>
    /// <exception cref="LookalikeException">NotFound (an item or its photo), InvalidArgument (the box), ModelUnavailable, decode errors.</exception>
    public Explanation ExplainItems(ItemId query, ItemId result, ImageBox? queryBox = null)
    {
        CatalogItem queryItem = Item(query);
        CatalogItem resultItem = Item(result);
        Telemetry.LookalikeTelemetry.Query("explain");
        return Explain(ItemPhoto.Read(queryItem, _photos), queryItem.Path, queryItem, queryBox, resultItem);
    }

    /// <summary>Why catalog item <paramref name="result"/> looks like an uploaded photo (optionally only its part <paramref name="box"/>).</summary>
    public Explanation ExplainImage(ReadOnlySpan<byte> imageBytes, string sourceName, ItemId result, ImageBox? box = null)
    {
        CatalogItem resultItem = Item(result);
        Telemetry.LookalikeTelemetry.Query("explain");
        return Explain(imageBytes, sourceName, null, box, resultItem);
    }

    /// <summary>
    /// Why catalog item <paramref name="result"/> looks like <paramref name="query"/>: an item id the store has, else an
    /// image file (explained as it is, even when it is a catalog photo); also returns the query photo's path.
    /// </summary>
    /// <exception cref="LookalikeException">NotFound (neither an item nor a file; the result), IoFailure, and the errors of <see cref="ExplainItems"/>.</exception>
    public (Explanation Explanation, string QueryPath) Explain(string query, ItemId result, ImageBox? box = null)
    {
        var resolved = ReferenceResolver.ItemOrFile(query, id => _query.Catalog.TryGetItem(id, out _));
        if (resolved.Item is { } id) return (ExplainItems(id, result, box), Item(id).Path);
        return (ExplainImage(resolved.Bytes!, resolved.Path!, result, box), resolved.Path!);
    }

    /// <summary>
    /// Makes the feature-map session now (seconds: the network file is read, rewritten and loaded), so the first
    /// explanation a person asks for does not wait for it. Failures are left for that first request to report.
    /// </summary>
    public void Warm()
    {
        try
        {
            _ = _reader.Value;
        }
        catch (LookalikeException)
        {
            // Imported vectors or a model without a known feature map: explaining answers the error itself.
        }
    }

    /// <summary>Checks that <paramref name="id"/> is in the catalog (cheap, before any photo is read).</summary>
    public CatalogItem Item(ItemId id) => _query.Catalog.GetItem(id);

    public void Dispose()
    {
        if (_reader.IsValueCreated) _reader.Value.Dispose();
    }

    private Explanation Explain(ReadOnlySpan<byte> queryBytes, string queryName, CatalogItem? queryItem, ImageBox? box, CatalogItem resultItem)
    {
        IFeatureMapReader reader = _reader.Value;
        var (queryEmbedding, queryPhoto) = Side(reader, queryBytes, queryName, queryItem?.Id.Value, box);
        var (resultEmbedding, resultPhoto) = Side(reader, ItemPhoto.Read(resultItem, _photos), resultItem.Path, resultItem.Id.Value, null);
        if (_query.Space.Projection is { } projection)
        {
            // The store searches its learned space: explain the score it shows, not the raw one.
            queryEmbedding = queryEmbedding.Project(projection);
            resultEmbedding = resultEmbedding.Project(projection);
        }
        var split = SimilarityExplanation.Compute(queryEmbedding, resultEmbedding);
        return new Explanation(split.Score, Explanation.MethodName(split.Method), reader.Model.Value,
            queryPhoto with { Grid = split.QueryGrid },
            resultPhoto with { Grid = split.ResultGrid },
            SharedMetadata.Compare(queryItem?.Metadata, resultItem.Metadata));
    }

    private (SpatialEmbedding, ExplainedPhoto) Side(IFeatureMapReader reader, ReadOnlySpan<byte> bytes, string name, string? id, ImageBox? box)
    {
        ImageTarget target = reader.Target with { Box = box };
        DecodedImage image = _decoder.Decode(bytes, name, target);
        SpatialEmbedding embedding = reader.Embed(image);
        DecodedImage small = _decoder.Decode(bytes, name, new ImageTarget(ColourSide, ColourSide, ResizeMode.Stretch) { Box = box });
        var area = InputArea.Of(target, image.SourceWidth, image.SourceHeight);
        return (embedding, new ExplainedPhoto(id, [], embedding.Rows, embedding.Cols, area, image.SourceWidth, image.SourceHeight, DominantColours.Of(small), box?.ToString()));
    }

    private IFeatureMapReader OpenReader(Func<ModelId, IFeatureMapReader> factory)
    {
        ModelId model = _query.Embedder.StoreModel ?? throw new LookalikeException(LookalikeErrorKind.ModelUnavailable,
            "The store has no vectors yet, so there is nothing to explain.", null);
        IFeatureMapReader reader = factory(model);
        if (reader.Model != model)
        {
            ModelId made = reader.Model;
            reader.Dispose();
            throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                $"The store holds vectors of model '{model}', but the model found for explaining is '{made}'.", model.Value);
        }
        return reader;
    }
}
