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
        SearchRequest.CheckK(k);
        float[] vector = _space.Map(Embedder.EmbedImage(imageBytes, sourceName, box));
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
        var item = Catalog.GetItem(id);
        SearchRequest.CheckK(k);
        float[] vector = _space.Map(Embedder.EmbedImage(ItemPhoto.Read(item, photos), item.Path, box));
        LookalikeTelemetry.Query("region");
        return new SimilarResult(Describe(item, box), Search(vector, k, filter, id));
    }

    /// <summary>
    /// Look-alikes of the part <paramref name="box"/> of <paramref name="query"/>: a catalog item's photo (the item
    /// excluded) when the store has that id, otherwise an image file.
    /// </summary>
    /// <exception cref="LookalikeException">NotFound (neither an item nor a file), InvalidArgument naming the box, decode and model errors.</exception>
    public SimilarResult SimilarRegion(string query, ImageBox box, int k, ItemFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(box);
        var resolved = ReferenceResolver.ItemOrFile(query, id => Catalog.TryGetItem(id, out _));
        return resolved.Item is { } id
            ? SimilarToItemRegion(id, box, k, filter)
            : SimilarToImage(resolved.Bytes!, resolved.Path!, k, filter, box);
    }
}
