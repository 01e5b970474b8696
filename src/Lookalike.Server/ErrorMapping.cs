using Lookalike.Core.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Lookalike.Server;

/// <summary>
/// The one place where failures become HTTP: <see cref="LookalikeErrorKind"/> → status code and title, and every
/// exception → an <c>application/problem+json</c> body. Client errors name the problem (the domain message, the
/// <c>kind</c> and the field or id concerned); server errors say only that the server failed. No stack trace, no
/// exception type and no server path ever leaves the process.
/// </summary>
public static class ErrorMapping
{
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
        _ => (StatusCodes.Status500InternalServerError, "Internal error"),
    };

    /// <summary>The problem an exception becomes; null when the client has gone and nothing should be written.</summary>
    public static ProblemDetails? ToProblem(Exception exception, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(context);
        switch (exception)
        {
            case LookalikeException e:
            {
                var (status, title) = Describe(e.Kind);
                var problem = new ProblemDetails { Status = status, Title = title };
                problem.Extensions["kind"] = e.Kind.ToString();
                if (status < 500)
                {
                    // Client errors: the message names the input; subjects are ids, fields or upload names.
                    problem.Detail = e.Message;
                    if (e.Subject is not null) problem.Extensions["subject"] = e.Subject;
                }
                else
                {
                    problem.Detail = status == StatusCodes.Status503ServiceUnavailable
                        ? "The server cannot do this right now; try again later."
                        : "The server failed to complete the request; the error was logged.";
                }
                return problem;
            }
            case BadHttpRequestException e:
            {
                // Kestrel and parameter binding: too-large bodies (413), unbindable query values (400), timeouts (408).
                var problem = new ProblemDetails { Status = e.StatusCode, Title = TitleOf(e.StatusCode), Detail = e.Message };
                problem.Extensions["kind"] = e.StatusCode == StatusCodes.Status413PayloadTooLarge ? nameof(LookalikeErrorKind.ImageTooLarge) : nameof(LookalikeErrorKind.InvalidArgument);
                return problem;
            }
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                return null;
            default:
            {
                var problem = new ProblemDetails
                {
                    Status = StatusCodes.Status500InternalServerError,
                    Title = "Internal error",
                    Detail = "The server failed to complete the request; the error was logged.",
                };
                problem.Extensions["kind"] = "Internal";
                return problem;
            }
        }
    }

    /// <summary>
    /// Fills in problems the framework writes without a detail (no route, wrong method, wrong content type), so
    /// every error body says what to do.
    /// </summary>
    public static void AddDefaultDetail(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problem = context.ProblemDetails;
        if (problem.Detail is not null) return;
        var request = context.HttpContext.Request;
        problem.Detail = problem.Status switch
        {
            StatusCodes.Status404NotFound => $"Nothing at {request.Method} {request.Path}. The API is described at /openapi/v1.json.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not accept {request.Method}. The API is described at /openapi/v1.json.",
            StatusCodes.Status415UnsupportedMediaType when request.Path.StartsWithSegments("/api/users") =>
                $"Send the feedback as application/json, e.g. {{\"kind\":\"like\",\"item\":\"images/1.jpg\"}} (got Content-Type '{request.ContentType ?? "none"}').",
            StatusCodes.Status415UnsupportedMediaType => $"Send multipart/form-data with the photo in a file field named 'image' (got Content-Type '{request.ContentType ?? "none"}').",
            StatusCodes.Status504GatewayTimeout => "The request took too long and was cancelled.",
            _ => null,
        };
    }

    /// <summary>
    /// Writes a problem+json response from middleware that answers before any endpoint runs (rate limits, cross-site
    /// writes), in the same shape as mapped errors: status, title, detail, <c>kind</c> and any further fields.
    /// </summary>
    public static Task WriteProblemAsync(HttpContext context, int status, string title, string detail, string kind,
        params (string Name, object Value)[] extensions)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Extensions = { ["kind"] = kind } };
        foreach (var (name, value) in extensions) problem.Extensions[name] = value;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status413PayloadTooLarge => "Request too large",
        StatusCodes.Status408RequestTimeout => "Request timeout",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported media type",
        _ => "Invalid request",
    };
}

/// <summary>Writes <see cref="ErrorMapping.ToProblem"/> for every exception a request throws.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ErrorMapping.ToProblem(exception, httpContext);
        if (problem is null) return true; // the client went away: nobody to answer
        int status = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (status >= 500)
            logger.LogError(exception, "{Method} {Path} failed with {Status}", httpContext.Request.Method, httpContext.Request.Path, status);
        else
            logger.LogInformation("{Method} {Path}: {Status} {Message}", httpContext.Request.Method, httpContext.Request.Path, status, exception.Message);
        if (httpContext.Response.HasStarted) return true;
        httpContext.Response.StatusCode = status;
        // The exception is deliberately not passed on: no writer may render it.
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem });
    }
}
