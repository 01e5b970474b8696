using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Lookalike.Core.Errors;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Http;

/// <summary>
/// Per-client rate limits (ASP.NET Core's rate limiter, fixed windows partitioned by remote IP address) on the
/// costly endpoints: image search by upload and item addition share <see cref="LookalikeServerOptions.UploadRateLimit"/>;
/// look-alike queries and the recommendation reads that score items per request (a user's recommendations, the
/// preference pair, an item's "also") share <see cref="LookalikeServerOptions.SimilarRateLimit"/> — one budget, so a page
/// that asks for both counts both. Everything else (health, readiness,
/// listings, photos, thumbnails) is never limited. A client over its limit gets 429 problem+json and a Retry-After.
/// </summary>
/// <remarks>
/// The partition is the TCP peer address: behind a reverse proxy every client shares the proxy's address, so limit
/// there instead (X-Forwarded-For is deliberately not trusted here — any client could set it).
/// </remarks>
internal static class ClientRateLimits
{
    public const string Uploads = "uploads";
    public const string Similar = "similar";

    public static IServiceCollection AddClientRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LookalikeServerOptions>>((limiter, options) =>
        {
            var uploads = RateLimit.Parse(options.Value.UploadRateLimit, nameof(LookalikeServerOptions.UploadRateLimit));
            var similar = RateLimit.Parse(options.Value.SimilarRateLimit, nameof(LookalikeServerOptions.SimilarRateLimit));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, (string, string)>(context =>
            {
                var (policy, limit) = PolicyOf(context) switch
                {
                    Uploads => (Uploads, uploads),
                    Similar => (Similar, similar),
                    _ => ("", RateLimit.Off),
                };
                if (limit.IsOff) return RateLimitPartition.GetNoLimiter((policy, ""));
                string client = ClientOf(context);
                return RateLimitPartition.GetFixedWindowLimiter((policy, client), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.Permits,
                    Window = limit.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            limiter.OnRejected = (rejected, cancellationToken) => RejectAsync(rejected, uploads, similar, cancellationToken);
        });
        return services;
    }

    /// <summary>
    /// Which limit a request counts against, from the endpoint routing resolved (never from the raw path, so
    /// <c>…/similar/</c> and <c>…/similar//</c> count like <c>…/similar</c>); null: none.
    /// </summary>
    internal static string? PolicyOf(HttpContext context)
    {
        string? name = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (name is "SearchByImage" or "AddItem" or "ExplainImage" or "ExplainItems") return Uploads; // each decodes and runs the model
        if (name is "GetSimilarItems" or "GetAlsoItems" or "GetRecommendations" or "GetPreferencePair") return Similar;
        // Unencoded ids go to the catch-all route (/api/items/images/10017.jpg/similar): its last segment names the
        // sub-resource as the handler will read it (an item whose own id ends in /similar counts as a query too).
        if (name is Endpoints.ItemsEndpoints.UnencodedIdRoute && context.Request.RouteValues["path"] is string path
            && ItemRoute.LastSegment(path) is "similar" or "also")
            return Similar;
        return null;
    }

    /// <summary>The client a limit is kept for: the TCP peer address (IPv4-mapped IPv6 counts as IPv4).</summary>
    internal static string ClientOf(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } ip ? Normalize(ip) : "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, RateLimit uploads, RateLimit similar, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        bool isUpload = PolicyOf(http) == Uploads;
        var limit = isUpload ? uploads : similar;
        int seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : Math.Max(1, (int)Math.Ceiling(limit.Window.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        Hosting.Telemetry.LookalikeTelemetry.RateLimited(isUpload ? Uploads : Similar);
        await ErrorMapping.WriteProblemAsync(http, LookalikeErrorKind.RateLimited,
            $"This client is limited to {limit} {(isUpload ? "image uploads (search by photo and add item)" : "look-alike and recommendation queries")}; try again in {seconds} s.",
            extensions: ("retryAfterSeconds", seconds));
    }

    /// <summary>IPv4-mapped IPv6 addresses count as their IPv4 address.</summary>
    private static string Normalize(IPAddress ip) => (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
}
