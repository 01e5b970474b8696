using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace Lookalike.Feeds.Http;

/// <summary>Looks at the first bytes of a body (and its declared type); returns why it is refused, or null.</summary>
/// <param name="head">Up to <see cref="ImageFetcher.HeadBytes"/> bytes, fewer only when the body is that short.</param>
public delegate string? BodyCheck(ReadOnlySpan<byte> head, string? contentType);

/// <summary>
/// Downloads images for a feed, one <see cref="HttpClient"/> for the whole run: bounded concurrency over all hosts,
/// per-host slots and spacing (<see cref="HostGate"/>), retries with exponential backoff and jitter on transient
/// failures and a per-attempt timeout (Microsoft.Extensions.Http.Resilience over Polly), conditional GETs, a size limit
/// checked on Content-Length and while reading, a body check on the first bytes, and redirects followed by hand:
/// http(s) only, at most <see cref="FetchOptions.MaxRedirects"/>, never in a loop. Every connection, the first and
/// each redirect's, goes through <see cref="GuardedConnector"/>, which refuses link-local and metadata addresses.
/// No proxy is used: through a proxy the connect-time check would see the proxy, not the image host.
/// Thread-safe; dispose once.
/// </summary>
public sealed class ImageFetcher : IDisposable
{
    /// <summary>How many first bytes a <see cref="BodyCheck"/> sees.</summary>
    public const int HeadBytes = 16;

    private readonly FetchOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _client;
    private readonly HostGate _hosts;
    private readonly SemaphoreSlim _inFlight;

    public ImageFetcher(FetchOptions options, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = time ?? TimeProvider.System;
        _hosts = new HostGate(options.MaxPerHost, options.PerHostInterval, _time);
        _inFlight = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);

        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = new GuardedConnector(options.AllowLinkLocal).ConnectAsync,
            ConnectTimeout = options.AttemptTimeout,
            MaxConnectionsPerServer = options.MaxPerHost,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxResponseHeadersLength = 64, // KiB
        };
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(Math.Max(30, options.RetryDelay.TotalSeconds)), // caps a hostile Retry-After too
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            });
        }
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Timeout = options.AttemptTimeout });
        _client = new HttpClient(new ResilienceHandler(builder.Build()) { InnerHandler = sockets })
        {
            Timeout = Timeout.InfiniteTimeSpan, // the pipeline's timeouts and the body deadline bound every attempt
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        _client.DefaultRequestHeaders.Accept.ParseAdd("image/webp,image/png,image/jpeg,image/gif,image/bmp;q=0.9,*/*;q=0.1");
    }

    /// <summary>
    /// Downloads <paramref name="url"/>. Never throws for what the server or the network does: every failure is a
    /// <see cref="FetchStatus.Failed"/> result with the status and the reason. Throws only when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    /// <param name="validators">From the last download of this URL: makes the request conditional (a 304 is <see cref="FetchStatus.NotModified"/>).</param>
    /// <param name="check">Refuses a body from its first bytes before the rest is read (e.g. not an image).</param>
    public async Task<FetchResult> FetchAsync(Uri url, CacheValidators? validators = null, BodyCheck? check = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            return FetchResult.Failed(url, url, null, $"{(url.IsAbsoluteUri ? url.Scheme + "://" : "a relative URL")} is refused: only http and https");

        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var slot = await _hosts.EnterAsync(url, cancellationToken).ConfigureAwait(false);
            return await FollowAsync(url, validators, check, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private async Task<FetchResult> FollowAsync(Uri url, CacheValidators? validators, BodyCheck? check, CancellationToken cancellationToken)
    {
        var current = url;
        var visited = new HashSet<string>(StringComparer.Ordinal) { url.AbsoluteUri };
        for (int redirects = 0; ; redirects++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, current);
            if (validators?.ETag is { } etag && EntityTagHeaderValue.TryParse(etag, out var tag)) request.Headers.IfNoneMatch.Add(tag);
            if (validators?.LastModified is { } modified) request.Headers.IfModifiedSince = modified;

            HttpResponseMessage response;
            try
            {
                response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Describe(e) is { } reason)
            {
                return FetchResult.Failed(url, current, null, reason);
            }

            using (response)
            {
                int status = (int)response.StatusCode;
                if (status is 301 or 302 or 303 or 307 or 308)
                {
                    if (response.Headers.Location is not { } location) return FetchResult.Failed(url, current, status, "a redirect without a Location");
                    var next = location.IsAbsoluteUri ? location : new Uri(current, location);
                    if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
                        return FetchResult.Failed(url, current, status, $"a redirect to {next.Scheme}:// is refused: only http and https");
                    if (!visited.Add(next.AbsoluteUri)) return FetchResult.Failed(url, current, status, $"a redirect loop (back to {next})");
                    if (redirects >= _options.MaxRedirects) return FetchResult.Failed(url, current, status, $"more than {_options.MaxRedirects} redirects");
                    current = next;
                    continue;
                }
                if (response.StatusCode == HttpStatusCode.NotModified)
                    return new FetchResult(url, current, FetchStatus.NotModified, status, null, null, validators, null);
                if (!response.IsSuccessStatusCode)
                    return FetchResult.Failed(url, current, status, $"HTTP {status} {response.ReasonPhrase}".TrimEnd());
                return await ReadBodyAsync(url, current, response, check, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<FetchResult> ReadBodyAsync(Uri url, Uri final, HttpResponseMessage response, BodyCheck? check, CancellationToken cancellationToken)
    {
        int status = (int)response.StatusCode;
        string? contentType = response.Content.Headers.ContentType?.MediaType;
        long? declared = response.Content.Headers.ContentLength;
        if (declared > _options.MaxBytes)
            return FetchResult.Failed(url, final, status, $"{declared:N0} bytes (Content-Length), over the limit of {_options.MaxBytes:N0}");

        // The attempt timeout of the pipeline ends with the headers; the body gets a deadline of its own.
        using var deadline = new CancellationTokenSource(_options.AttemptTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var body = new MemoryStream(declared is > 0 ? (int)declared.Value : 64 << 10);
        var buffer = new byte[64 << 10];
        bool checkedHead = check is null;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            int read;
            while ((read = await stream.ReadAsync(buffer, linked.Token).ConfigureAwait(false)) > 0)
            {
                if (body.Length + read > _options.MaxBytes)
                    return FetchResult.Failed(url, final, status, $"the body passed the limit of {_options.MaxBytes:N0} bytes; download stopped");
                body.Write(buffer, 0, read);
                if (!checkedHead && body.Length >= HeadBytes)
                {
                    checkedHead = true;
                    if (check!(body.GetBuffer().AsSpan(0, HeadBytes), contentType) is { } refusal) return FetchResult.Failed(url, final, status, refusal);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return FetchResult.Failed(url, final, status, $"the body did not arrive within {_options.AttemptTimeout.TotalSeconds:0.###} s ({body.Length:N0} bytes came)");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or HttpRequestException)
        {
            return FetchResult.Failed(url, final, status, $"the connection failed while reading the body: {e.Message}");
        }
        if (!checkedHead && check!(body.GetBuffer().AsSpan(0, (int)body.Length), contentType) is { } shortRefusal)
            return FetchResult.Failed(url, final, status, shortRefusal);

        var validators = new CacheValidators(response.Headers.ETag?.ToString(), response.Content.Headers.LastModified);
        return new FetchResult(url, final, FetchStatus.Fetched, status, null, body.ToArray(), validators, contentType);
    }

    /// <summary>Connection errors, 408, 429 and 5xx are worth another attempt; a refused address never is.</summary>
    private static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        Find<AddressRefusedException>(outcome.Exception) is null && HttpClientResiliencePredicates.IsTransient(outcome);

    private string? Describe(Exception e) => e switch
    {
        _ when Find<AddressRefusedException>(e) is { } refused => refused.Message,
        TimeoutRejectedException => $"no answer within {_options.AttemptTimeout.TotalSeconds:0.###} s ({_options.MaxRetries} retries)",
        HttpRequestException request => $"connection failed: {request.Message}{(request.InnerException is { } inner ? " (" + inner.Message + ")" : "")}",
        OperationCanceledException => $"no answer within {_options.AttemptTimeout.TotalSeconds:0.###} s",
        IOException io => $"connection failed: {io.Message}",
        _ => null,
    };

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
        }
        return null;
    }

    public void Dispose()
    {
        _client.Dispose();
        _inFlight.Dispose();
    }
}
