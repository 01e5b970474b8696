namespace Lookalike.Feeds.Http;

/// <summary>How <see cref="ImageFetcher"/> downloads: what it may cost, how politely, how persistently.</summary>
public sealed record FetchOptions
{
    /// <summary>Downloads in flight at once, over all hosts; 1–256, default 8.</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Downloads in flight to one host at once; 1–64, default 2.</summary>
    public int MaxPerHost { get; init; } = 2;

    /// <summary>Least time between the starts of two requests to one host (politeness); default 50 ms, zero for none.</summary>
    public TimeSpan PerHostInterval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>One attempt, from sending the request to the last byte of the body; default 30 s.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries after a transient failure (connection error, timeout, 408, 429, 5xx); 0–10, default 3.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First retry delay, doubled each retry with jitter (a Retry-After header wins); default 1 s.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest body accepted, checked on Content-Length before reading and while reading; default 20 MiB.</summary>
    public long MaxBytes { get; init; } = 20L << 20;

    /// <summary>Redirects followed per download (to http and https only); 0–20, default 5.</summary>
    public int MaxRedirects { get; init; } = 5;

    /// <summary>
    /// Connect to link-local addresses (169.254.0.0/16, fe80::/10), where cloud metadata services answer
    /// (169.254.169.254, fd00:ec2::254). Off: a feed or a redirect naming them is refused.
    /// </summary>
    public bool AllowLinkLocal { get; init; }

    /// <summary>The User-Agent header sent.</summary>
    public string UserAgent { get; init; } = "Lookalike-FeedIndexer/1.0";

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first value out of its range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrency, 1, nameof(MaxConcurrency));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxConcurrency, 256, nameof(MaxConcurrency));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPerHost, 1, nameof(MaxPerHost));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxPerHost, 64, nameof(MaxPerHost));
        ArgumentOutOfRangeException.ThrowIfLessThan(PerHostInterval, TimeSpan.Zero, nameof(PerHostInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(AttemptTimeout, TimeSpan.Zero, nameof(AttemptTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetries, 0, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRetries, 10, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetryDelay, TimeSpan.Zero, nameof(RetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBytes, 1, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRedirects, 0, nameof(MaxRedirects));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRedirects, 20, nameof(MaxRedirects));
    }
}
