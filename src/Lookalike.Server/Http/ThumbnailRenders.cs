using System.Globalization;
using System.Threading.RateLimiting;
using Lookalike.Core.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Lookalike.Server.Http;

/// <summary>
/// Thumbnails cost a full decode when they are not cached, so a client asking for many items or sizes could keep every
/// core busy: sizes are rounded up to a few steps (<see cref="Steps"/>, every one also cached on disk), and renders
/// that miss the cache count against <see cref="LookalikeServerOptions.ThumbnailRateLimit"/> per client (remote IP
/// address, fixed window) and run in the image-job slots. Cached thumbnails are never limited.
/// </summary>
internal sealed class ThumbnailRenders : IDisposable
{
    /// <summary>The sizes thumbnails are made in (longest side, pixels); a request is rounded up to the next one.</summary>
    public static IReadOnlyList<int> Steps { get; } = [64, 128, 256, 512, 1024];

    private readonly RateLimit _limit;
    private readonly PartitionedRateLimiter<string>? _limiter;

    public ThumbnailRenders(IOptions<LookalikeServerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _limit = RateLimit.Parse(options.Value.ThumbnailRateLimit, nameof(LookalikeServerOptions.ThumbnailRateLimit));
        if (_limit.IsOff) return;
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = _limit.Permits,
            Window = _limit.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>The step a requested size is served at: the smallest step ≥ <paramref name="size"/>, at most <paramref name="max"/>.</summary>
    public static int Quantise(int size, int max)
    {
        foreach (int step in Steps)
            if (step >= size) return Math.Min(step, max);
        return max;
    }

    /// <summary>Takes one uncached render from the client's budget: null when granted, else the 429 to answer (Retry-After set).</summary>
    public ProblemHttpResult? TryAcquire(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_limiter is null) return null;
        using var lease = _limiter.AttemptAcquire(ClientRateLimits.ClientOf(context));
        if (lease.IsAcquired) return null;
        int seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out TimeSpan retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : Math.Max(1, (int)Math.Ceiling(_limit.Window.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        Hosting.Telemetry.LookalikeTelemetry.RateLimited("thumbnails");
        return ErrorMapping.Result(LookalikeErrorKind.RateLimited,
            $"This client is limited to {_limit} thumbnails that are not cached yet; try again in {seconds} s (cached ones are always served).",
            "size", extensions: [new("retryAfterSeconds", seconds)]);
    }

    public void Dispose() => _limiter?.Dispose();
}
