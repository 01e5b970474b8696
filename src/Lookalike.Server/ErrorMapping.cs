using System.Text.RegularExpressions;
using Lookalike.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Lookalike.Server;

/// <summary>
/// The one place where failures become HTTP: <see cref="LookalikeErrorKind"/> → status code and title, and every
/// problem the server writes — mapped exceptions, endpoint refusals, middleware refusals (host, cross-site write, rate
/// limit, request size), the framework's own 404/405/415 — is an <c>application/problem+json</c> body with a
/// <c>kind</c> from that one enum. Client errors name the problem (the domain message, the <c>kind</c> and the field or
/// id concerned); server errors say only that the server failed. No stack trace, no exception type, no .NET type name
/// and no server path ever leaves the process.
/// </summary>
public static partial class ErrorMapping
{
    /// <summary>The Retry-After of a 503 NotReady (the model still loading).</summary>
    public const string NotReadyRetrySeconds = "5";

    /// <summary>The status code and problem title for <paramref name="kind"/>.</summary>
    public static (int Status, string Title) Describe(LookalikeErrorKind kind) => kind switch
    {
        LookalikeErrorKind.InvalidArgument => (StatusCodes.Status400BadRequest, "Invalid request"),
        LookalikeErrorKind.NotFound => (StatusCodes.Status404NotFound, "Not found"),
        LookalikeErrorKind.UnsupportedImage => (StatusCodes.Status415UnsupportedMediaType, "Not a supported image"),
        LookalikeErrorKind.CorruptImage => (StatusCodes.Status422UnprocessableEntity, "Damaged image"),
        LookalikeErrorKind.ImageTooLarge => (StatusCodes.Status413PayloadTooLarge, "Image too large"),
        LookalikeErrorKind.DecodeTimeout => (StatusCodes.Status422UnprocessableEntity, "Image took too long to decode"),
        LookalikeErrorKind.ModelMismatch => (StatusCodes.Status409Conflict, "Model mismatch"),
        LookalikeErrorKind.ModelUnavailable => (StatusCodes.Status503ServiceUnavailable, "Model unavailable"),
        LookalikeErrorKind.StoreUnavailable => (StatusCodes.Status503ServiceUnavailable, "Store unavailable"),
        LookalikeErrorKind.StoreCorrupt => (StatusCodes.Status500InternalServerError, "Store damaged"),
        LookalikeErrorKind.IoFailure => (StatusCodes.Status500InternalServerError, "Read failure"),
        LookalikeErrorKind.Unauthorized => (StatusCodes.Status401Unauthorized, "API key required"),
        LookalikeErrorKind.Forbidden => (StatusCodes.Status403Forbidden, "Forbidden"),
        LookalikeErrorKind.RateLimited => (StatusCodes.Status429TooManyRequests, "Too many requests"),
        LookalikeErrorKind.NotReady => (StatusCodes.Status503ServiceUnavailable, "Not ready"),
        LookalikeErrorKind.MisdirectedRequest => (StatusCodes.Status421MisdirectedRequest, "Unknown host"),
        LookalikeErrorKind.MethodNotAllowed => (StatusCodes.Status405MethodNotAllowed, "Method not allowed"),
        LookalikeErrorKind.RequestTooLarge => (StatusCodes.Status413PayloadTooLarge, "Request too large"),
        LookalikeErrorKind.UnsupportedMediaType => (StatusCodes.Status415UnsupportedMediaType, "Unsupported media type"),
        LookalikeErrorKind.Timeout => (StatusCodes.Status504GatewayTimeout, "Request timeout"),
        _ => (StatusCodes.Status500InternalServerError, "Internal error"),
    };

    /// <summary>The kind a status code stands for, for answers the framework or Kestrel chose the status of.</summary>
    public static LookalikeErrorKind KindOf(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => LookalikeErrorKind.Unauthorized,
        StatusCodes.Status403Forbidden => LookalikeErrorKind.Forbidden,
        StatusCodes.Status404NotFound => LookalikeErrorKind.NotFound,
        StatusCodes.Status405MethodNotAllowed => LookalikeErrorKind.MethodNotAllowed,
        StatusCodes.Status408RequestTimeout or StatusCodes.Status504GatewayTimeout => LookalikeErrorKind.Timeout,
        StatusCodes.Status413PayloadTooLarge or StatusCodes.Status414UriTooLong
            or StatusCodes.Status431RequestHeaderFieldsTooLarge => LookalikeErrorKind.RequestTooLarge,
        StatusCodes.Status415UnsupportedMediaType => LookalikeErrorKind.UnsupportedMediaType,
        StatusCodes.Status421MisdirectedRequest => LookalikeErrorKind.MisdirectedRequest,
        StatusCodes.Status429TooManyRequests => LookalikeErrorKind.RateLimited,
        StatusCodes.Status503ServiceUnavailable => LookalikeErrorKind.NotReady,
        >= 400 and < 500 => LookalikeErrorKind.InvalidArgument,
        _ => LookalikeErrorKind.Internal,
    };

    /// <summary>
    /// A problem of <paramref name="kind"/>: its status and title (unless given), the <paramref name="detail"/> for people,
    /// the <c>kind</c>, the <c>subject</c> (field, id, header) when given, and any further fields.
    /// </summary>
    public static ProblemDetails Problem(LookalikeErrorKind kind, string detail, string? subject = null, string? title = null, int? status = null,
        IEnumerable<KeyValuePair<string, object?>>? extensions = null)
    {
        var (defaultStatus, defaultTitle) = Describe(kind);
        var problem = new ProblemDetails { Status = status ?? defaultStatus, Title = title ?? defaultTitle, Detail = detail };
        problem.Extensions["kind"] = kind.ToString();
        if (subject is not null) problem.Extensions["subject"] = subject;
        foreach (var (name, value) in extensions ?? []) problem.Extensions[name] = value;
        return problem;
    }

    /// <summary><see cref="Problem"/> as an endpoint result (for refusals an endpoint or filter returns rather than throws).</summary>
    public static ProblemHttpResult Result(LookalikeErrorKind kind, string detail, string? subject = null, string? title = null,
        IEnumerable<KeyValuePair<string, object?>>? extensions = null) =>
        TypedResults.Problem(Problem(kind, detail, subject, title, extensions: extensions));

    /// <summary>The problem an exception becomes; null when the client has gone and nothing should be written.</summary>
    public static ProblemDetails? ToProblem(Exception exception, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(context);
        switch (exception)
        {
            case LookalikeException e:
            {
                var (status, _) = Describe(e.Kind);
                // The message names the input, or (not ready) what is still loading: nothing internal.
                if (status < 500 || e.Kind == LookalikeErrorKind.NotReady) return Problem(e.Kind, e.Message, e.Subject);
                return Problem(e.Kind, status == StatusCodes.Status503ServiceUnavailable
                    ? "The server cannot do this right now; try again later."
                    : "The server failed to complete the request; the error was logged.");
            }
            case BadHttpRequestException e:
            {
                // Kestrel and parameter binding: too-large bodies (413: the only large bodies are photos), unbindable
                // query values (400), slow clients (408).
                var (detail, subject) = Readable(e.Message);
                var kind = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? LookalikeErrorKind.ImageTooLarge : KindOf(e.StatusCode);
                return Problem(kind, detail, subject, TitleOf(e.StatusCode), e.StatusCode);
            }
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return null;
            default:
                return Problem(LookalikeErrorKind.Internal, "The server failed to complete the request; the error was logged.");
        }
    }

    /// <summary>
    /// Fills in problems the framework writes itself (no route, wrong method, wrong content type, the request time
    /// limit): a detail that says what to do, and the <c>kind</c> for the status.
    /// </summary>
    public static void AddDefaultDetail(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        int status = problem.Status ?? context.HttpContext.Response.StatusCode;
        problem.Extensions.TryAdd("kind", KindOf(status).ToString());
        if (problem.Detail is not null) return;
        var request = context.HttpContext.Request;
        problem.Detail = status switch
        {
            StatusCodes.Status404NotFound => $"Nothing at {request.Method} {Printable(request.Path.Value)}. The API is described at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"{Printable(request.Path.Value)} does not accept {request.Method}. The API is described at /openapi/v1.json.",
            StatusCodes.Status415UnsupportedMediaType when request.Path.StartsWithSegments("/api/users") =>
                $"Send the feedback as application/json, e.g. {{\"kind\":\"like\",\"item\":\"images/1.jpg\"}} (got Content-Type '{Printable(request.ContentType ?? "none")}').",
            StatusCodes.Status415UnsupportedMediaType => $"Send multipart/form-data with the photo in a file field named 'image' (got Content-Type '{Printable(request.ContentType ?? "none")}').",
            StatusCodes.Status504GatewayTimeout => "The request took too long and was cancelled.",
            _ => $"The request failed with status {status}.",
        };
    }

    /// <summary>
    /// Writes a problem+json response from middleware that answers before any endpoint runs (host check, rate limits,
    /// cross-site writes, request size), in the same shape as mapped errors.
    /// </summary>
    public static Task WriteProblemAsync(HttpContext context, LookalikeErrorKind kind, string detail, string? subject = null, string? title = null,
        int? status = null, params (string Name, object Value)[] extensions)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = Problem(kind, detail, subject, title, status, extensions.Select(e => new KeyValuePair<string, object?>(e.Name, e.Value)));
        context.Response.StatusCode = problem.Status!.Value;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    /// <summary>At most 200 printable characters of client-supplied text, for echoing it back.</summary>
    public static string Printable(string? value)
    {
        var printable = new string((value ?? "").Where(c => !char.IsControl(c) && !char.IsSurrogate(c)).Take(200).ToArray());
        return printable.Length == 0 ? "(empty)" : printable;
    }

    /// <summary>
    /// A framework message without .NET type names: <c>Failed to bind parameter "int? k" from "abc".</c> becomes
    /// <c>k must be a whole number; got 'abc'.</c> with subject <c>k</c>.
    /// </summary>
    private static (string Detail, string? Subject) Readable(string message)
    {
        var bind = BindFailure().Match(message);
        if (bind.Success)
        {
            string name = bind.Groups["name"].Value, type = bind.Groups["type"].Value.ToLowerInvariant();
            string expected = type switch
            {
                _ when type.Contains("int", StringComparison.Ordinal) || type.Contains("long", StringComparison.Ordinal) => "a whole number",
                _ when type.Contains("double", StringComparison.Ordinal) || type.Contains("float", StringComparison.Ordinal)
                       || type.Contains("decimal", StringComparison.Ordinal) => "a number",
                _ when type.Contains("bool", StringComparison.Ordinal) => "true or false",
                _ when type.Contains("date", StringComparison.Ordinal) => "a date and time (ISO 8601)",
                _ => "a valid value",
            };
            return ($"{name} must be {expected}; got '{Printable(bind.Groups["value"].Value)}'.", name);
        }
        var required = RequiredMissing().Match(message);
        if (required.Success) return ($"{required.Groups["name"].Value} is required.", required.Groups["name"].Value);
        // Any other quoted "Type name" pair: keep the name only.
        return (TypedName().Replace(message, m => $"\"{m.Groups["name"].Value}\""), null);
    }

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Request too large",
        StatusCodes.Status408RequestTimeout => "Request timeout",
        StatusCodes.Status414UriTooLong => "URL too long",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "Request headers too large",
        _ => "Invalid request",
    };

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[^" ]+)" from "(?<value>.*)"\.?$""", RegexOptions.Singleline)]
    private static partial Regex BindFailure();

    [GeneratedRegex("""^Required parameter "(?<type>[^"]+) (?<name>[^" ]+)" was not provided""")]
    private static partial Regex RequiredMissing();

    [GeneratedRegex(""""(?<type>[A-Za-z_][\w.<>?,\[\] ]*) (?<name>[A-Za-z_]\w*)"""")]
    private static partial Regex TypedName();
}

/// <summary>Writes <see cref="ErrorMapping.ToProblem"/> for every exception a request throws.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ErrorMapping.ToProblem(exception, httpContext);
        if (problem is null) return true; // the client went away: nobody to answer
        int status = problem.Status ?? StatusCodes.Status500InternalServerError;
        // The exception handler has cleared the endpoint by now; the feature keeps the one the request went to.
        if (status is >= 400 and < 500 && Http.ImageUpload.IsUploadEndpoint(httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint)
            && problem.Extensions.TryGetValue("kind", out var kind))
            Hosting.Telemetry.LookalikeTelemetry.UploadRejected(kind?.ToString() ?? "");
        if (status >= 500 && exception is not LookalikeException { Kind: LookalikeErrorKind.NotReady })
            logger.LogError(exception, "{Method} {Path} failed with {Status}", httpContext.Request.Method, httpContext.Request.Path, status);
        else
            logger.LogInformation("{Method} {Path}: {Status} {Message}", httpContext.Request.Method, httpContext.Request.Path, status, exception.Message);
        if (httpContext.Response.HasStarted) return true;
        httpContext.Response.StatusCode = status;
        // Not ready yet (the model loading): worth retrying soon.
        if (exception is LookalikeException { Kind: LookalikeErrorKind.NotReady })
            httpContext.Response.Headers.RetryAfter = ErrorMapping.NotReadyRetrySeconds;
        // The exception is deliberately not passed on: no writer may render it.
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }
}
