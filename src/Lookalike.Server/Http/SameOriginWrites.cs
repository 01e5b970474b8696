using System.Net;
using Lookalike.Core.Errors;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Http;

/// <summary>
/// Refuses cross-site writes (every method but GET, HEAD and OPTIONS) with 403 problem+json naming the origin, unless
/// the request carries this server's API key; and, on a server without a key, writes from other machines. A form or <c>fetch</c> POST with a simple content type (multipart, form,
/// text) needs no CORS preflight, so without this any page a visitor opens could add items or feedback to a server
/// running without an API key; CORS only keeps such a page from reading the answer.
/// </summary>
/// <remarks>
/// A browser says where a request comes from, and a page cannot forge it: <c>Sec-Fetch-Site</c> (all current browsers)
/// decides when present — <c>same-origin</c> and <c>none</c> (typed or bookmarked) pass; <c>cross-site</c> and
/// <c>same-site</c> are refused, the latter because a sibling subdomain or another port on the same host is
/// another application (possibly serving user content), not this page. Without it (older browsers) the
/// <c>Origin</c> header must equal this request's own <c>scheme://host:port</c>; <c>Origin: null</c> (sandboxed
/// frames, file pages) is refused. Requests with neither header — curl, scripts, the CLI — pass as before: they are
/// not made by a browser on someone else's behalf. The <c>--cors-origin</c> allow-list grants reads only; it never
/// grants writes. Behind a proxy that rewrites Host or the scheme, browsers still send Sec-Fetch-Site, so the page
/// keeps working there. The Origin must name a host this server answers for (<see cref="HostAllowList"/>).
/// Without a configured API key, writes are accepted from this machine only (loopback clients): an open server is a
/// local tool; to take changes over the network, set a key (then every write needs it).
/// </remarks>
internal static class SameOriginWrites
{
    public const string FetchSiteHeader = "Sec-Fetch-Site";

    /// <summary>Adds the check; place it before the rate limiter so refused requests cost no permits.</summary>
    public static IApplicationBuilder UseSameOriginWrites(this IApplicationBuilder app) => app.Use(CheckAsync);

    /// <summary>Who sent a write from another site (the origin, or the Sec-Fetch-Site value); null when the write may go on.</summary>
    internal static string? CrossSiteSource(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method)) return null;
        string site = request.Headers[FetchSiteHeader].ToString();
        string origin = request.Headers.Origin.ToString();
        switch (site.Trim().ToLowerInvariant())
        {
            case "same-origin" or "none":
                return null;
            case "cross-site" or "same-site":
                return origin.Length > 0 ? origin : $"{FetchSiteHeader}: {site}";
        }
        if (origin.Length == 0) return null;
        return IsOwnOrigin(origin, request) ? null : origin;
    }

    private static async Task CheckAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        string? key = context.RequestServices.GetRequiredService<IOptions<LookalikeServerOptions>>().Value.ApiKey;
        bool hasKey = !string.IsNullOrEmpty(key) && ApiKeyFilter.Matches(request, key);
        if (CrossSiteSource(request) is { } source && !hasKey)
        {
            string shown = ErrorMapping.Printable(source);
            await ErrorMapping.WriteProblemAsync(context, LookalikeErrorKind.Forbidden,
                $"This server accepts {request.Method} requests from its own page ({request.Scheme}://{ErrorMapping.Printable(request.Host.Value)}), from tools that send no Origin, " +
                $"or with its API key in {ApiKeyFilter.Header}; this one came from {shown}.",
                shown, "Cross-site write refused");
            return;
        }
        if (string.IsNullOrEmpty(key) && IsWrite(request) && !IsLocal(context.Connection.RemoteIpAddress))
        {
            await ErrorMapping.WriteProblemAsync(context, LookalikeErrorKind.Forbidden,
                $"This server has no API key, so it accepts changes only from this machine; {request.Method} came from " +
                $"{context.Connection.RemoteIpAddress}. Start it with --api-key to accept changes from other machines.",
                "X-Api-Key", "Remote write refused");
            return;
        }
        await next();
    }

    private static bool IsWrite(HttpRequest request) =>
        !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));

    /// <summary>Loopback, or no IP address at all (a Unix socket, an in-process test server): the same machine.</summary>
    private static bool IsLocal(IPAddress? remote) => remote is null || IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote);

    /// <summary>
    /// An origin is this server's own when its host is one this server answers for (<see cref="HostAllowList"/>, never
    /// just whatever Host the request claims) and scheme, host and port equal the request's.
    /// </summary>
    private static bool IsOwnOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")) return false;
        var host = request.Host;
        if (!host.HasValue) return false;
        if (!request.HttpContext.RequestServices.GetRequiredService<HostAllowList>().Allows(uri.Host, request.HttpContext.Connection.LocalIpAddress)) return false;
        int ownPort = host.Port ?? (string.Equals(request.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? 443 : 80);
        return string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
               && string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase)
               && uri.Port == ownPort;
    }
}
