namespace Lookalike.Feeds.Http;

/// <summary>How a download ended.</summary>
public enum FetchStatus
{
    /// <summary>A 2xx answer; <see cref="FetchResult.Body"/> holds it.</summary>
    Fetched,

    /// <summary>A 304 to a conditional request: what was fetched before is current.</summary>
    NotModified,

    /// <summary>Not fetched; <see cref="FetchResult.Reason"/> says why (and <see cref="FetchResult.HttpStatus"/> when one came).</summary>
    Failed,
}

/// <summary>What a previous download answered, sent back as If-None-Match / If-Modified-Since.</summary>
public sealed record CacheValidators(string? ETag, DateTimeOffset? LastModified);

/// <summary>The outcome of one <see cref="ImageFetcher.FetchAsync"/>.</summary>
/// <param name="Url">The URL asked for.</param>
/// <param name="FinalUrl">Where it was answered from, after redirects.</param>
/// <param name="HttpStatus">The last HTTP status, null when none came (refused, connection failed, timed out).</param>
public sealed record FetchResult(Uri Url, Uri FinalUrl, FetchStatus Status, int? HttpStatus, string? Reason, byte[]? Body, CacheValidators? Validators, string? ContentType)
{
    internal static FetchResult Failed(Uri url, Uri final, int? status, string reason) => new(url, final, FetchStatus.Failed, status, reason, null, null, null);
}
