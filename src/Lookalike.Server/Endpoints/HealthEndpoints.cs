using Lookalike.Core.Errors;
using Lookalike.Hosting.Serving;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Endpoints;

/// <summary>
/// <c>/health</c> (liveness), <c>/ready</c> (store and index loaded: queries by id are answered; <c>?photo=true</c>: the
/// model too) and <c>/api/info</c>.
/// </summary>
public static class HealthEndpoints
{
    /// <summary>Columns with more distinct values than this are not offered as category filters.</summary>
    public const int MaxFacetValues = 100;

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new HealthResponse("alive")))
            .WithTags("Health").WithName("Health").WithSummary("Liveness: the process answers");

        app.MapGet("/ready", Ready)
            .WithTags("Health").WithName("Ready")
            .WithSummary("Readiness: store open and index loaded (503 until then); with photo=true also the model (503 with Retry-After while it loads); modelState says where the model stands")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        app.MapGet("/api/info", Info)
            .WithTags("Health").WithName("Info").WithSummary("The catalog: item count, model, index, metadata columns with their values, limits");
        return app;
    }

    public sealed record HealthResponse(string Status);

    /// <param name="Model">The photo model: its id once loaded, its name while loading.</param>
    /// <param name="ModelState"><c>ready</c>, <c>loading</c> (photo queries wait, then 503), or <c>failed: …</c>.</param>
    public sealed record ReadyResponse(string Status, int Items, string Model, string Index, string ModelState);

    /// <summary>What <c>/api/info</c> returns.</summary>
    /// <param name="Items">Items in the catalog now.</param>
    /// <param name="Model">The model id that made the vectors (<c>name@fingerprint</c>).</param>
    /// <param name="Dimension">Length of every vector.</param>
    /// <param name="Index">The index descriptor, e.g. <c>exact</c>.</param>
    /// <param name="Columns">Metadata columns; <c>values</c> (most frequent first) when at most 100 distinct, for category filters.</param>
    /// <param name="Limits">The server's limits on requests.</param>
    /// <param name="Learned">How the search space was learned (<c>lookalike learn</c>), e.g. "learned from labels 'class' (head, …)"; null: raw vectors.</param>
    /// <param name="QueryViews">How photo queries are embedded (<c>lookalike config --query-views</c>): "full" (the whole photo, the default), "full+zoom", ….</param>
    public sealed record InfoResponse(int Items, string Model, int Dimension, string Index, IReadOnlyList<CatalogFacet> Columns, LimitsResponse Limits, string? Learned = null,
        string QueryViews = "full");

    /// <param name="MaxUploadBytes">Largest accepted upload (413 above).</param>
    /// <param name="MaxImagePixels">Largest accepted width×height of an upload (413 above).</param>
    /// <param name="MaxK">Largest k.</param>
    /// <param name="DefaultK">k when none is given.</param>
    /// <param name="MaxPageSize">Largest page size of a listing.</param>
    /// <param name="WritesNeedApiKey">Whether adding and removing items needs the X-Api-Key header.</param>
    public sealed record LimitsResponse(long MaxUploadBytes, long MaxImagePixels, int MaxK, int DefaultK, int MaxPageSize, bool WritesNeedApiKey);

    internal static Results<Ok<ReadyResponse>, ProblemHttpResult> Ready(ServerCatalog catalog, HttpContext http, bool? photo = null)
    {
        if (!catalog.IsReady)
            return ErrorMapping.Result(LookalikeErrorKind.NotReady, "The catalog is still loading.");
        string state = catalog.ModelState;
        if (photo == true && state != "ready")
        {
            http.Response.Headers.RetryAfter = ErrorMapping.NotReadyRetrySeconds;
            return ErrorMapping.Result(LookalikeErrorKind.NotReady, $"The catalog answers by id; the model is {state}.", subject: "photo",
                extensions: [new("modelState", state)]);
        }
        return TypedResults.Ok(new ReadyResponse("ready", catalog.Query.Count, catalog.ModelDescription, catalog.Query.Index.Spec, state));
    }

    internal static Ok<InfoResponse> Info(ServerCatalog catalog, IOptions<LookalikeServerOptions> options)
    {
        var query = catalog.Query;
        var o = options.Value;
        return TypedResults.Ok(new InfoResponse(
            query.Count,
            (query.Embedder.StoreModel ?? query.Embedder.QueryModel).Value,
            query.Index.Dimension,
            query.Index.Spec,
            query.Catalog.Facets(MaxFacetValues),
            new LimitsResponse(o.MaxUploadBytes, o.MaxImagePixels, o.MaxK, o.DefaultK, o.MaxPageSize, !string.IsNullOrEmpty(o.ApiKey)),
            query.LearnedProjection?.Descriptor.Summary,
            query.Embedder.Views.ToString()));
    }
}
