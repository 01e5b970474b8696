using Lookalike.Core.Errors;
using Lookalike.Feeds.Http;

namespace Lookalike.Feeds;

/// <summary>Reads a feed named on the command line: a file, or an http(s) URL fetched under the same rules as images.</summary>
public static class FeedSource
{
    /// <summary>True when <paramref name="feed"/> is an absolute URL rather than a file path.</summary>
    public static bool IsUrl(string feed) =>
        Uri.TryCreate(feed, UriKind.Absolute, out var url) && url.Scheme is not "file" && !(OperatingSystem.IsWindows() && feed.Length > 1 && feed[1] == ':');

    /// <summary>Reads <paramref name="feed"/>: a file path, or an http(s) URL (redirects, retries and address rules of <paramref name="fetch"/>).</summary>
    /// <exception cref="LookalikeException">
    /// InvalidArgument for a URL of another scheme (<c>file://</c> included: name the file instead) or a feed that cannot
    /// be read; NotFound for a missing file; IoFailure when the URL cannot be fetched (the status and reason in the message).
    /// </exception>
    public static async Task<FeedContent> ReadAsync(string feed, FeedColumns columns, FeedFormat? format, FeedLimits limits, FetchOptions fetch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        if (!IsUrl(feed))
        {
            if (Uri.TryCreate(feed, UriKind.Absolute, out var fileUrl) && fileUrl.IsFile)
                throw LookalikeException.InvalidArgument("--feed", $"Feed URL {feed}: file:// is refused; give the path itself.");
            return FeedReader.ReadFile(feed, columns, format, limits);
        }
        var url = new Uri(feed);
        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            throw LookalikeException.InvalidArgument("--feed", $"Feed URL {feed}: only http and https are fetched.");
        using var fetcher = new ImageFetcher(fetch with { MaxBytes = limits.MaxFeedBytes, MaxConcurrency = 1, MaxPerHost = 1 });
        var result = await fetcher.FetchAsync(url, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.Status != FetchStatus.Fetched)
            throw new LookalikeException(LookalikeErrorKind.IoFailure, $"Feed {feed} could not be fetched: {result.Reason}.", feed);
        using var body = new MemoryStream(result.Body!, writable: false);
        return FeedReader.Read(body, feed, columns, format, limits);
    }
}
