using System.Text.Json;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Recommendations;
using Lookalike.Hosting.Serving;
using Lookalike.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Lookalike.Server.Endpoints;

/// <summary>
/// <c>/api/items</c>: the catalog — list, one item, its photo and thumbnail, its look-alikes, what people also bought
/// with it, add and remove.
/// Ids go in one path segment, percent-encoded (see <see cref="ItemRoute"/>).
/// </summary>
public static class ItemsEndpoints
{
#pragma warning disable ASP0022 // '/{id}' and '/{**path}': see the catch-all below
    public static RouteGroupBuilder MapItemsEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/items").WithTags("Items");

        group.MapGet("/", ListItems)
            .WithName("ListItems")
            .WithSummary("List the catalog, a page at a time")
            .WithDescription("Items in id order with their metadata. where=column:value filters (repeat: same column any of, different columns all).")
            .ProducesProblem(StatusCodes.Status400BadRequest);

        group.MapGet("/{id}", GetItem)
            .WithName("GetItem")
            .WithSummary("One item: id, content hash, metadata")
            .WithDescription("The id is one percent-encoded path segment, e.g. /api/items/images%2F10017.jpg.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/image", GetImage)
            .WithName("GetItemImage")
            .WithSummary("The item's photo as stored (content type sniffed from its bytes)")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/thumbnail", GetThumbnail)
            .WithName("GetItemThumbnail")
            .WithSummary("A cached JPEG thumbnail whose longest side is at most size pixels (default 256), size rounded up to 64, 128, 256, 512 or 1024")
            .WithDescription("Thumbnails not made yet count against a per-client budget (429 with Retry-After over it); cached ones never do.")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/{id}/similar", GetSimilar)
            .WithName("GetSimilarItems")
            .WithSummary("The k items that look most like this one (itself excluded), best first")
            .WithDescription("Same shape as `lookalike similar --json`, without server file paths: {query:{kind,id,metadata}, results:[{rank,id,score,metadata}]}. box=x,y,w,h (pixels) or box-frac= (fractions 0–1) searches with that part of the item's photo only (query.box says which).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/{id}/also", GetAlso)
            .WithName("GetAlsoItems")
            .WithSummary("For an item page: people also bought (item-kNN over feedback), looks like (visual), and both blended")
            .WithDescription("{query:{kind:item,item,strategy:also,historyItems,note,weights}, boughtTogether:[…], looksLike:[…], blended:[…]}, each list [{rank,id,score,metadata}]. An item nobody bought with another gets look-alikes only (query.note says so).")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapPost("/", AddItem)
            .WithName("AddItem")
            .WithSummary("Add a photo to the catalog (multipart: image file + metadata)")
            .WithDescription("Metadata: a 'metadata' field holding a JSON object of strings, and/or any other form fields. The item's id is uploads/<sha256 prefix>.<ext>; the same bytes again replace its metadata (200).")
            .Accepts<AddItemForm>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .AddEndpointFilter<ApiKeyFilter>();

        group.MapDelete("/{id}", DeleteItem)
            .WithName("DeleteItem")
            .WithSummary("Remove an item; an uploaded item's file is deleted too, an indexed folder's photo never")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .AddEndpointFilter<ApiKeyFilter>();

        // Unencoded ids ('/' kept): /api/items/images/10017.jpg[/image|/thumbnail|/similar|/also]. Not in the OpenAPI document.
        // A catch-all ranks below every route above, so there is no ambiguity at run time (the analyzer cannot see that).
        group.MapGet("/{**path}", GetByUnencodedId).WithName(UnencodedIdRoute).ExcludeFromDescription();
        group.MapDelete("/{**path}", DeleteByUnencodedId).ExcludeFromDescription().AddEndpointFilter<ApiKeyFilter>();
        return group;
    }
#pragma warning restore ASP0022

    /// <summary>Name of the catch-all GET route of unencoded ids (the rate limiter reads its sub-resource).</summary>
    public const string UnencodedIdRoute = "GetItemByUnencodedId";

    /// <summary>Documents the multipart body of <c>POST /api/items</c> for OpenAPI.</summary>
    public sealed record AddItemForm(IFormFile Image, string? Metadata);

    internal static Ok<CatalogPage> ListItems(ServerCatalog catalog, IOptions<LookalikeServerOptions> options,
        [FromQuery] string[]? where, int? page, int? pageSize)
    {
        var filter = QueryArguments.Where(where);
        return TypedResults.Ok(catalog.Query.Catalog.ListItems(filter, QueryArguments.Page(page), QueryArguments.PageSize(pageSize, options.Value)));
    }

    internal static Ok<CatalogEntry> GetItem(HttpContext http, string id, ServerCatalog catalog) =>
        Item(ItemRoute.FromSegment(http, id, 0), catalog);

    internal static PhysicalFileHttpResult GetImage(HttpContext http, string id, ServerCatalog catalog) =>
        Image(ItemRoute.FromSegment(http, id, 1), catalog);

    internal static Task<IResult> GetThumbnail(HttpContext http, string id, int? size, string? v, ServerCatalog catalog, IOptions<LookalikeServerOptions> options) =>
        Thumbnail(http, ItemRoute.FromSegment(http, id, 1), size, v, catalog, options.Value);

    internal static async Task<Ok<SimilarResult>> GetSimilar(HttpContext http, string id, int? k, [FromQuery] string[]? where,
        [FromQuery(Name = BoxArguments.Pixels)] string? box, [FromQuery(Name = BoxArguments.Fractions)] string? boxFrac,
        ServerCatalog catalog, IOptions<LookalikeServerOptions> options, CancellationToken cancellationToken)
    {
        ItemId item = ItemRoute.FromSegment(http, id, 1);
        var region = BoxArguments.Parse(box, boxFrac);
        if (region is null) return Similar(item, k, where, catalog, options.Value);
        int count = QueryArguments.K(k, options.Value);
        var filter = QueryArguments.Where(where);
        catalog.Query.Catalog.CheckFilterColumns(filter);
        // A box means decoding and embedding the item's photo: an image job like an upload.
        return TypedResults.Ok(await catalog.RunImageJobAsync(() => catalog.Query.SimilarToItemRegion(item, region, count, filter, catalog.Photos), cancellationToken));
    }

    internal static Ok<AlsoResultView> GetAlso(HttpContext http, string id, int? k, [FromQuery] string[]? where, ServerCatalog catalog, IOptions<LookalikeServerOptions> options) =>
        Also(ItemRoute.FromSegment(http, id, 1), k, where, catalog, options.Value);

    internal static async Task<Results<Created<CatalogEntry>, Ok<CatalogEntry>>> AddItem(
        HttpRequest request, ServerCatalog catalog, IOptions<LookalikeServerOptions> options, CancellationToken cancellationToken)
    {
        var upload = await ImageUpload.ReadAsync(request, options.Value, cancellationToken);
        var metadata = ReadMetadata(upload.Form);
        var (entry, created) = await catalog.RunImageJobAsync(() => catalog.Uploads.Add(upload.Bytes, upload.FileName, metadata), cancellationToken);
        return created
            ? TypedResults.Created(ItemRoute.PathOf(ItemId.Parse(entry.Id)), entry)
            : TypedResults.Ok(entry);
    }

    internal static NoContent DeleteItem(HttpContext http, string id, ServerCatalog catalog) =>
        Delete(ItemRoute.FromSegment(http, id, 0), catalog);

    internal static async Task<IResult> GetByUnencodedId(HttpContext http, string path, int? k, int? size, string? v, [FromQuery] string[]? where,
        ServerCatalog catalog, IOptions<LookalikeServerOptions> options)
    {
        var (id, sub) = ItemRoute.FromCatchAll(http, path, i => catalog.Query.Catalog.TryGetItem(i, out _));
        return sub switch
        {
            "image" => Image(id, catalog),
            "thumbnail" => await Thumbnail(http, id, size, v, catalog, options.Value),
            "similar" => Similar(id, k, where, catalog, options.Value),
            "also" => Also(id, k, where, catalog, options.Value),
            _ => Item(id, catalog),
        };
    }

    internal static NoContent DeleteByUnencodedId(HttpContext http, string path, ServerCatalog catalog)
    {
        var (id, sub) = ItemRoute.FromCatchAll(http, path, i => catalog.Query.Catalog.TryGetItem(i, out _));
        if (sub is not null) throw LookalikeException.InvalidArgument("id", $"DELETE applies to items, not to their {sub}.");
        return Delete(id, catalog);
    }

    private static Ok<CatalogEntry> Item(ItemId id, ServerCatalog catalog) => TypedResults.Ok(catalog.Query.Catalog.GetEntry(id));

    /// <summary>The photo as stored: a regular file inside the catalog (<see cref="PhotoFiles"/>) that is an image by its bytes; else 404.</summary>
    private static PhysicalFileHttpResult Image(ItemId id, ServerCatalog catalog)
    {
        var item = catalog.Query.Catalog.GetItem(id);
        string path = catalog.Photos.Resolve(item);
        var format = ImageFormat.SniffFile(path)
            ?? throw LookalikeException.NotFound(id.Value, $"The photo of item '{id}' is no longer an image where it was indexed.");
        return TypedResults.PhysicalFile(path, format.MediaType,
            lastModified: item.ModifiedUtc, entityTag: ETag(item.ContentHash, "full"), enableRangeProcessing: true);
    }

    /// <summary>A thumbnail at the size's step; a render that misses the cache counts against the client's thumbnail budget.</summary>
    private static async Task<IResult> Thumbnail(HttpContext http, ItemId id, int? size, string? version, ServerCatalog catalog, LookalikeServerOptions options)
    {
        int side = ThumbnailRenders.Quantise(QueryArguments.ThumbnailSize(size, options), options.MaxThumbnailSize);
        var item = catalog.Query.Catalog.GetItem(id);
        if (!catalog.Thumbnails.TryGetCached(item, side, out byte[] jpeg))
        {
            if (http.RequestServices.GetRequiredService<ThumbnailRenders>().TryAcquire(http) is { } refused) return refused;
            jpeg = await catalog.RunImageJobAsync(() => catalog.Thumbnails.Make(item, side), http.RequestAborted, needsModel: false);
        }
        // A URL that names the content (?v=<hash prefix>, as the page builds them) never changes meaning: cache it for good.
        bool pinned = version is { Length: >= 8 } && item.ContentHash.StartsWith(version, StringComparison.Ordinal);
        http.Response.Headers.CacheControl = pinned ? "public, max-age=31536000, immutable" : "no-cache";
        return TypedResults.File(jpeg, "image/jpeg", lastModified: item.ModifiedUtc, entityTag: ETag(item.ContentHash, side.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static Ok<SimilarResult> Similar(ItemId id, int? k, string[]? where, ServerCatalog catalog, LookalikeServerOptions options)
    {
        int count = QueryArguments.K(k, options);
        var filter = QueryArguments.Where(where);
        return TypedResults.Ok(catalog.Query.SimilarToItem(id, count, filter));
    }

    private static Ok<AlsoResultView> Also(ItemId id, int? k, string[]? where, ServerCatalog catalog, LookalikeServerOptions options)
    {
        int count = QueryArguments.K(k, options);
        var filter = QueryArguments.Where(where);
        _ = catalog.Query.Catalog.GetItem(id); // 404 before any work
        return TypedResults.Ok(catalog.Recommendations.Also(id.Value, count, filter));
    }

    private static NoContent Delete(ItemId id, ServerCatalog catalog) =>
        catalog.Uploads.Remove(id) ? TypedResults.NoContent() : throw LookalikeException.NotFound(id.Value, $"No item '{id}' in the store.");

    /// <summary>Metadata from a <c>metadata</c> JSON object field and from every other non-file field.</summary>
    private static Dictionary<string, string> ReadMetadata(IFormCollection form)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (form.TryGetValue("metadata", out var json) && !string.IsNullOrWhiteSpace(json))
        {
            try
            {
                var parsed = JsonSerializer.Deserialize<Dictionary<string, string>>(json.ToString());
                foreach (var (column, value) in parsed ?? []) metadata[column] = value;
            }
            catch (JsonException e)
            {
                throw LookalikeException.InvalidArgument("metadata", $"The 'metadata' field must be a JSON object of strings, e.g. {{\"class\":\"shoes\"}}: {e.Message}");
            }
            catch (InvalidOperationException)
            {
                throw LookalikeException.InvalidArgument("metadata", "The 'metadata' field holds a lone surrogate (e.g. \\ud800), which is no text; send valid UTF-16 escapes.");
            }
        }
        foreach (var (column, values) in form)
        {
            if (column is "metadata" or ImageUpload.ImageField) continue;
            metadata[column] = values.ToString();
        }
        return metadata;
    }

    private static EntityTagHeaderValue ETag(string contentHash, string variant) =>
        new($"\"{contentHash[..Math.Min(16, contentHash.Length)]}-{variant}\"");
}
