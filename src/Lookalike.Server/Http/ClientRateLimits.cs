using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
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
                string client = context.Connection.RemoteIpAddress is { } ip ? Normalize(ip) : "unknown";
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

    /// <summary>Which limit a request counts against, from its endpoint; null: none.</summary>
    internal static string? PolicyOf(HttpContext context)
    {
        var request = context.Request;
        string? name = context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName;
        if (name is "SearchByImage" or "AddItem" or "ExplainImage" or "ExplainItems") return Uploads; // each decodes and runs the model
        if (name is "GetSimilarItems" or "GetAlsoItems" or "GetRecommendations" or "GetPreferencePair") return Similar;
        // Unencoded ids go to a catch-all route: /api/items/images/10017.jpg/similar (or /also).
        if (HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments("/api/items")
            && (request.Path.Value!.EndsWith("/similar", StringComparison.Ordinal) || request.Path.Value.EndsWith("/also", StringComparison.Ordinal)))
            return Similar;
        return null;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, RateLimit uploads, RateLimit similar, CancellationToken cancellationToken)
    {
        var http = rejected.HttpContext;
        bool isUpload = PolicyOf(http) == Uploads;
        var limit = isUpload ? uploads : similar;
        int seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : Math.Max(1, (int)Math.Ceiling(limit.Window.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await ErrorMapping.WriteProblemAsync(http, StatusCodes.Status429TooManyRequests, "Too many requests",
            $"This client is limited to {limit} {(isUpload ? "image uploads (search by photo and add item)" : "look-alike and recommendation queries")}; try again in {seconds} s.",
            "RateLimited", ("retryAfterSeconds", seconds));
    }

    /// <summary>IPv4-mapped IPv6 addresses count as their IPv4 address.</summary>
    private static string Normalize(IPAddress ip) => (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString();
}
