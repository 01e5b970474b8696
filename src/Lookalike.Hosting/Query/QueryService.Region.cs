using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Core.Search;
using Lookalike.Hosting.Serving;
using Lookalike.Hosting.Telemetry;

namespace Lookalike.Hosting.Query;

// Region queries: the look-alikes of one part of a photo (a box drawn on it), of an outside photo or a catalog item's.
public sealed partial class QueryService
{
    /// <summary>Look-alikes of the part <paramref name="box"/> of an outside photo (the whole photo when null).</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the box (outside the photo, empty, tiny), or the decode and model errors of <see cref="SimilarToImage(ReadOnlySpan{byte}, string, int, ItemFilter?)"/>.</exception>
    public SimilarResult SimilarToImage(ReadOnlySpan<byte> imageBytes, string sourceName, int k, ItemFilter? filter, ImageBox? box)
    {
        if (box is null) return SimilarToImage(imageBytes, sourceName, k, filter);
        CheckK(k);
        float[] vector = _space.Map(EmbedImage(imageBytes, sourceName, box));
        LookalikeTelemetry.Query("region");
        var hits = Search(vector, k, filter, exclude: null);
        return new SimilarResult(new QueryDescription { Kind = "image", Path = sourceName, Box = box.ToString() }, hits);
    }

    /// <summary>Look-alikes of the part <paramref name="box"/> of catalog item <paramref name="id"/>'s photo, the item itself excluded.</summary>
    /// <param name="photos">Servers: which photo files may be read (see <see cref="ItemPhoto.Read"/>).</param>
    /// <exception cref="LookalikeException">NotFound (item or its photo), InvalidArgument naming the box, decode and model errors.</exception>
    public SimilarResult SimilarToItemRegion(ItemId id, ImageBox box, int k, ItemFilter? filter = null, PhotoFiles? photos = null)
    {
        ArgumentNullException.ThrowIfNull(box);
        if (!TryGetItem(id, out var item)) throw LookalikeException.NotFound(id.Value, $"No item '{id}' in the store.");
        CheckK(k);
        float[] vector = _space.Map(EmbedImage(ItemPhoto.Read(item, photos), item.Path, box));
        LookalikeTelemetry.Query("region");
        var hits = Search(vector, k, filter, id);
        return new SimilarResult(new QueryDescription { Kind = "item", Id = id.Value, Path = item.Path, Metadata = item.Metadata, Box = box.ToString() }, hits);
    }

    /// <summary>Decodes the part <paramref name="box"/> of a photo (the whole photo when null) and embeds it with the store's model: a raw vector (map it with <see cref="Space"/> to search).</summary>
    public float[] EmbedImage(ReadOnlySpan<byte> imageBytes, string sourceName, ImageBox? box)
    {
        var embedder = CheckedEmbedder();
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

    /// <summary>
    /// Look-alikes of the part <paramref name="box"/> of <paramref name="query"/>: a catalog item's photo (the item
    /// excluded) when the store has that id, otherwise an image file.
    /// </summary>
    /// <exception cref="LookalikeException">NotFound (neither an item nor a file), InvalidArgument naming the box, decode and model errors.</exception>
    public SimilarResult SimilarRegion(string query, ImageBox box, int k, ItemFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(box);
        if (string.IsNullOrWhiteSpace(query)) throw LookalikeException.InvalidArgument("query", "Empty query.");
        if (ItemId.TryParse(query, out var id) && TryGetItem(id, out _)) return SimilarToItemRegion(id, box, k, filter);
        string path = Path.GetFullPath(query);
        if (!File.Exists(path)) throw LookalikeException.NotFound(query, $"'{query}' is neither an item id in the store nor an image file.");
        return SimilarToImage(ReferenceResolver.ReadImageFile(path), path, k, filter, box);
    }
}
