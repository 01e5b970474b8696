using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Hosting.Explain;
using Lookalike.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Endpoints;

/// <summary>
/// Why two photos look alike: <c>GET /api/items/{a}/explain/{b}</c> (two catalog items, ids percent-encoded in one
/// segment each) and <c>POST /api/explain</c> (an uploaded photo and a result id).
/// </summary>
public static class ExplainEndpoints
{
    private const string Shape =
        "{score, method: exact|first-order, model, query:{id?, grid:[[…]], rows, cols, area:{x,y,width,height}, width, height, colours:[{r,g,b,share,hex}], box?}, result:{…}, metadata:[{column,queryValue,resultValue,same}]}. " +
        "Each grid cell is its share of the score (rows top to bottom); a grid sums to the score (exactly for average pooling; first-order, gradient × input of the pooled features, for GeM and max). " +
        "area is the part of the photo the grid lies over, in fractions of its width and height.";

    public static IEndpointRouteBuilder MapExplainEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/items/{a}/explain/{b}", ExplainItems)
            .WithTags("Explain")
            .WithName("ExplainItems")
            .WithSummary("Why item b looks like item a: heat-maps over both photos, shared metadata, dominant colours")
            .WithDescription(Shape + " Optional box=x,y,w,h (pixels) or box-frac= (fractions) explains only that part of a's photo.")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        app.MapPost("/api/explain", ExplainImage)
            .WithTags("Explain")
            .WithName("ExplainImage")
            .WithSummary("Why a catalog item looks like an uploaded photo")
            .WithDescription("multipart/form-data: 'image', 'id' (the result's item id) and optionally 'box' or 'box-frac' (the part of the photo searched with). " + Shape)
            .Accepts<ExplainForm>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return app;
    }

    /// <summary>Documents the multipart body of <c>POST /api/explain</c> for OpenAPI.</summary>
    public sealed record ExplainForm(IFormFile Image, string Id, string? Box);

    internal static async Task<Ok<Explanation>> ExplainItems(HttpContext http, string a, string b,
        [FromQuery(Name = BoxArguments.Pixels)] string? box, [FromQuery(Name = BoxArguments.Fractions)] string? boxFrac,
        ServerCatalog catalog, CancellationToken cancellationToken)
    {
        ItemId query = ItemRoute.FromSegment(http, a, 2), result = ItemRoute.FromSegment(http, b, 0);
        var region = BoxArguments.Parse(box, boxFrac);
        catalog.Explain.Item(query);
        catalog.Explain.Item(result);
        return TypedResults.Ok(await catalog.RunImageJobAsync(() => catalog.Explain.ExplainItems(query, result, region), cancellationToken));
    }

    internal static async Task<Ok<Explanation>> ExplainImage(HttpRequest request, ServerCatalog catalog, IOptions<LookalikeServerOptions> options, CancellationToken cancellationToken)
    {
        var upload = await ImageUpload.ReadAsync(request, options.Value, cancellationToken);
        // Cheap checks before the costly decodes.
        string id = upload.Field(request, "id") ?? throw LookalikeException.InvalidArgument("id", "Name the result to explain in the 'id' field (an item id from the search results).");
        ItemId result = ItemId.Parse(id);
        var region = BoxArguments.Parse(upload.Field(request, BoxArguments.Pixels), upload.Field(request, BoxArguments.Fractions));
        catalog.Explain.Item(result);
        return TypedResults.Ok(await catalog.RunImageJobAsync(() => catalog.Explain.ExplainImage(upload.Bytes, upload.FileName, result, region), cancellationToken));
    }
}
