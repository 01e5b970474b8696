using Lookalike.Core.Errors;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Http;

/// <summary>
/// Cross-origin access. Off by default: no response carries Access-Control-Allow-Origin and no preflight is
/// approved, so browsers keep other sites' pages from reading the API. With
/// <see cref="LookalikeServerOptions.CorsOrigins"/> set, pages from exactly those origins may read it with GET (and
/// HEAD); every other method, every custom header (so also X-Api-Key) and every other origin stays refused, and CORS
/// is not even evaluated for writes, so a write never gets a cross-origin approval, with or without the API key.
/// </summary>
public static class CorsPolicies
{
    public const string ReadOnly = "read-only";

    public static IServiceCollection AddReadOnlyCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<LookalikeServerOptions>>((cors, options) =>
            cors.AddPolicy(ReadOnly, policy => policy
                .WithOrigins(options.Value.CorsOrigins)
                .WithMethods(HttpMethods.Get, HttpMethods.Head)
                .WithExposedHeaders("Retry-After")));
        return services;
    }

    /// <summary>Adds the CORS middleware for GET, HEAD and preflight requests, when any origin is allowed.</summary>
    public static IApplicationBuilder UseReadOnlyCors(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<LookalikeServerOptions>>().Value.CorsOrigins.Length == 0) return app;
        return app.UseWhen(
            context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) || HttpMethods.IsOptions(context.Request.Method),
            branch => branch.UseCors(ReadOnly));
    }

    /// <summary>An origin is <c>scheme://host[:port]</c>, http or https, nothing after it; no wildcard.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming <paramref name="field"/>.</exception>
    public static void CheckOrigin(string origin, string field)
    {
        bool ok = Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                  && uri.Scheme is "http" or "https"
                  && uri.PathAndQuery == "/" && !origin.EndsWith('/') && string.IsNullOrEmpty(uri.UserInfo) && uri.Fragment.Length == 0;
        if (!ok)
            throw LookalikeException.InvalidArgument(field,
                $"{field}: '{origin}' is not an origin; give scheme://host[:port], e.g. https://shop.example (no path, no '*').");
    }
}
