using Lookalike.Core.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Lookalike.Server.Http;

/// <summary>
/// Limits on the request line and headers, answered as problem+json like every other refusal. Kestrel's own limits
/// (which answer with an empty body) are set at four times these, so only absurd requests ever meet them.
/// Also serves HEAD for every GET endpoint, as the docs promise: the request runs as GET and the body is dropped.
/// </summary>
internal static class RequestShape
{
    /// <summary>Longest request target (path and query) in bytes; longer: 414.</summary>
    public const int MaxTargetBytes = 8 * 1024;

    /// <summary>Most bytes of all request headers (names and values); more: 431.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>Kestrel's own limits, above ours.</summary>
    public const int KestrelFactor = 4;

    public static IApplicationBuilder UseRequestShape(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        string target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (target.Length > MaxTargetBytes)
        {
            await ErrorMapping.WriteProblemAsync(context, LookalikeErrorKind.RequestTooLarge,
                $"The URL is {target.Length:N0} characters long; this server reads at most {MaxTargetBytes:N0}. Send long filters in fewer, shorter conditions.",
                "url", "URL too long", StatusCodes.Status414UriTooLong);
            return;
        }
        long headerBytes = 0;
        foreach (var (name, values) in context.Request.Headers)
            foreach (string? value in values) headerBytes += name.Length + (value?.Length ?? 0) + 4;
        if (headerBytes > MaxHeaderBytes)
        {
            await ErrorMapping.WriteProblemAsync(context, LookalikeErrorKind.RequestTooLarge,
                $"The request headers are {headerBytes:N0} bytes; this server reads at most {MaxHeaderBytes:N0}.",
                "headers", "Request headers too large", StatusCodes.Status431RequestHeaderFieldsTooLarge);
            return;
        }
        if (HttpMethods.IsHead(context.Request.Method))
        {
            context.Request.Method = HttpMethods.Get;
            context.Response.Body = Stream.Null;
        }
        await next();
    });
}
