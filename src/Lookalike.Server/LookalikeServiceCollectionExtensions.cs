using Lookalike.Core.Embedding;
using Lookalike.Hosting;
using Lookalike.Hosting.Serving;
using Lookalike.Server;
using Lookalike.Server.Endpoints;
using Lookalike.Server.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The composition root for hosting Lookalike in an ASP.NET Core app: <c>builder.Services.AddLookalike(...)</c> registers
/// the one model session, the one loaded catalog and the HTTP plumbing; <c>app.MapLookalike()</c> adds the middleware,
/// the web page and the API (<c>/api/…</c>, <c>/health</c>, <c>/ready</c>, <c>/openapi/v1.json</c>).
/// </summary>
public static class LookalikeServiceCollectionExtensions
{
    /// <summary>
    /// Registers Lookalike: options bound from the configuration section <c>Lookalike</c> (<see cref="LookalikeServerOptions"/>),
    /// then <paramref name="configure"/>, then range checks (a bad value stops the start); the catalog loads while the
    /// host starts, so a missing or damaged store stops it before it listens.
    /// </summary>
    public static IServiceCollection AddLookalike(this IServiceCollection services, Action<LookalikeServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        // Options: section "Lookalike", then the caller's overrides, then range checks (a bad value stops the start).
        services.AddOptions<LookalikeServerOptions>()
            .BindConfiguration(LookalikeServerOptions.Section)
            .Configure(o => configure?.Invoke(o))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();

        // The one model session and the one loaded catalog of this process.
        // Without a model option: the model the store's vectors were made with, from its recorded id. It loads in the
        // background: the catalog answers by id before the model session (seconds) is ready.
        services.TryAddSingleton<IImageEmbedder>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LookalikeServerOptions>>().Value;
            var recorded = LookalikeComponents.RecordedModel(StoreLocation.Resolve(options.Store));
            return new BackgroundEmbedder(LookalikeComponents.ModelFor(recorded, options.Model), () => LookalikeComponents.CreateEmbedderFor(recorded, options.Model));
        });
        services.AddSingleton<ServerCatalog>();
        services.AddHostedService<CatalogLoader>();
        services.AddHostedService<WatchedFolderService>(); // after the load; idle unless Watch is set

        // Errors: one mapping (ErrorMapping), problem+json everywhere, binding failures as exceptions so they are named.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = ErrorMapping.AddDefaultDetail);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);

        // Limits: body size from MaxUploadBytes, small form fields, request time.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LookalikeServerOptions>>((kestrel, o) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = o.Value.MaxUploadBytes + ImageUpload.MultipartAllowance;
            // Above RequestShape's limits, so an over-long URL or header block gets a problem body from the app.
            kestrel.Limits.MaxRequestLineSize = RequestShape.MaxTargetBytes * RequestShape.KestrelFactor;
            kestrel.Limits.MaxRequestHeadersTotalSize = RequestShape.MaxHeaderBytes * RequestShape.KestrelFactor;
        });
        services.AddOptions<FormOptions>().Configure<IOptions<LookalikeServerOptions>>((form, o) =>
        {
            form.MultipartBodyLengthLimit = o.Value.MaxUploadBytes + ImageUpload.MultipartAllowance;
            // The default (64 KiB) sends every phone photo through a temporary file before it is decoded; in memory up
            // to InMemoryBytes instead, larger uploads still spill to disk (docs/benchmarks.md, "Photo queries").
            form.MemoryBufferThreshold = (int)Math.Min(ImageUpload.InMemoryBytes, form.MultipartBodyLengthLimit);
            form.ValueLengthLimit = 64 * 1024;
            form.ValueCountLimit = ImageUpload.MaxFormFields;
        });
        services.AddRequestTimeouts();
        services.AddOptions<RequestTimeoutOptions>().Configure<IOptions<LookalikeServerOptions>>((timeouts, o) =>
        {
            if (o.Value.RequestTimeoutSeconds > 0)
                timeouts.DefaultPolicy = new RequestTimeoutPolicy { Timeout = TimeSpan.FromSeconds(o.Value.RequestTimeoutSeconds) };
        });

        // Only this server's host names (DNS rebinding); per-client rate limits on uploads, look-alike queries and
        // thumbnail renders; cross-origin reads only for listed origins; no server paths in JSON.
        services.AddHostAllowList();
        services.AddClientRateLimits();
        services.AddSingleton<ThumbnailRenders>();
        services.AddReadOnlyCors();
        services.AddServerJson();

        services.AddOpenApi();
        return services;
    }

    /// <summary>
    /// Adds Lookalike's middleware (problem+json errors, security headers, request timeouts, CORS for reads, same-origin
    /// writes, rate limits), the web page and the endpoints to <paramref name="app"/>.
    /// </summary>
    public static WebApplication MapLookalike(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(SecurityHeaders);    // first: every answer carries them, errors included
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHostAllowList();      // a Host this server does not answer for: 421, nothing else runs
        app.UseRequestShape();       // 414/431 as problems; HEAD runs as GET without a body
        app.UseRouting();            // after HEAD became GET, so GET endpoints match it
        app.UseRequestTimeouts();
        app.UseReadOnlyCors();
        app.UseSameOriginWrites();   // writes from other sites' pages: 403 unless they carry the API key
        app.UseRateLimiter();
        var page = new EmbeddedFileProvider(typeof(LookalikeServer).Assembly, "Lookalike.Server.wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = page });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = page });

        app.MapOpenApi();            // /openapi/v1.json
        app.MapHealthEndpoints();    // /health, /ready, /api/info
        app.MapItemsEndpoints();     // /api/items... (…/also: bought together + looks like)
        app.MapSearchEndpoints();    // /api/search
        app.MapExplainEndpoints();   // /api/items/{a}/explain/{b}, /api/explain
        app.MapUsersEndpoints();     // /api/users/{user}/feedback|recommendations|pair
        return app;
    }

    /// <summary>Headers for every response: the page loads only its own files; nothing is sniffed or framed.</summary>
    /// <remarks>Set as the response starts, so answers the exception handler rewrites (it clears headers) carry them too.</remarks>
    private static Task SecurityHeaders(HttpContext context, Func<Task> next)
    {
        context.Response.OnStarting(static state =>
        {
            var headers = ((HttpResponse)state).Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
            return Task.CompletedTask;
        }, context.Response);
        return next();
    }
}
