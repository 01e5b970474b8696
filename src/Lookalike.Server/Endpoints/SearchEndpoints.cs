using Lookalike.Hosting.Query;
using Lookalike.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Endpoints;

/// <summary><c>/api/search</c>: look-alikes of an outside photo.</summary>
public static class SearchEndpoints
{
    public static RouteGroupBuilder MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/search").WithTags("Search");

        group.MapPost("/", Search)
            .WithName("SearchByImage")
            .WithSummary("The k catalog items that look most like an uploaded photo")
            .WithDescription("multipart/form-data: 'image' (JPEG, PNG, GIF, WebP or BMP, judged by content), 'k', repeatable 'where=column:value' and optionally 'box=x,y,w,h' (pixels of the photo) or 'box-frac=' (fractions 0–1) to search with that part of the photo only, as form fields or in the query string. Same result shape as `lookalike similar --json`.")
            .Accepts<SearchForm>("multipart/form-data")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return group;
    }

    /// <summary>Documents the multipart body of <c>POST /api/search</c> for OpenAPI.</summary>
    public sealed record SearchForm(IFormFile Image, int? K, string[]? Where, string? Box);

    internal static async Task<Ok<SimilarResult>> Search(HttpRequest request, ServerCatalog catalog, IOptions<LookalikeServerOptions> options, CancellationToken cancellationToken)
    {
        var upload = await ImageUpload.ReadAsync(request, options.Value, cancellationToken);
        // Cheap checks before the costly decode and embed.
        int k = QueryArguments.K(upload.Field(request, "k"), options.Value);
        var filter = QueryArguments.Where(upload.Fields(request, "where"));
        catalog.Query.Catalog.CheckFilterColumns(filter);
        var box = BoxArguments.Parse(upload.Field(request, BoxArguments.Pixels), upload.Field(request, BoxArguments.Fractions));
        var result = await catalog.RunImageJobAsync(() => catalog.Query.SimilarToImage(upload.Bytes, upload.FileName, k, filter, box), cancellationToken);
        return TypedResults.Ok(result);
    }
}
