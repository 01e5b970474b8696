using System.Security.Cryptography;
using System.Text;
using Lookalike.Core.Errors;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Http;

/// <summary>
/// Guards write endpoints (adding and removing items, recording feedback) and reads of a user's feedback: when <see cref="LookalikeServerOptions.ApiKey"/> is set, the request must carry it in the
/// <c>X-Api-Key</c> header (401 otherwise). Both sides are hashed before a constant-time comparison, so neither the
/// content nor the length of the key leaks through timing.
/// </summary>
internal sealed class ApiKeyFilter(IOptions<LookalikeServerOptions> options) : IEndpointFilter
{
    public const string Header = "X-Api-Key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        string? expected = options.Value.ApiKey;
        if (string.IsNullOrEmpty(expected)) return await next(context);

        if (Matches(context.HttpContext.Request, expected)) return await next(context);
        return ErrorMapping.Result(LookalikeErrorKind.Unauthorized,
            $"Changing the catalog, recording feedback and reading a user's feedback need this server's API key in the {Header} header.",
            Header);
    }

    /// <summary>Whether <paramref name="request"/> carries <paramref name="expected"/> in <see cref="Header"/> (constant time).</summary>
    internal static bool Matches(HttpRequest request, string expected)
    {
        string given = request.Headers[Header].ToString();
        return given.Length > 0 && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
