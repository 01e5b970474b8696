using Lookalike.Feeds.Http;

namespace Lookalike.Feeds.Tests;

public class ImageFetcherTests(HostileImageServer server) : IClassFixture<HostileImageServer>
{
    /// <summary>Fast retries and a short attempt timeout, so the hostile answers end quickly.</summary>
    private static readonly FetchOptions Options = new()
    {
        MaxRetries = 2,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(2),
        MaxBytes = 2L << 20,
        PerHostInterval = TimeSpan.Zero,
    };

    /// <summary>A JPEG check like the feed indexer's: the bytes decide, not the declared type.</summary>
    private static string? JpegOnly(ReadOnlySpan<byte> head, string? contentType) =>
        head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? null : $"not an image (Content-Type {contentType ?? "none"})";

    private async Task<FetchResult> Fetch(string path, FetchOptions? options = null, CacheValidators? validators = null)
    {
        using var fetcher = new ImageFetcher(options ?? Options);
        return await fetcher.FetchAsync(server.Url(path), validators, JpegOnly);
    }

    [Fact]
    public async Task Fetch_Photo_ReturnsItsBytesAndValidators()
    {
        string name = server.Photos.Keys.Order(StringComparer.Ordinal).First();
        var result = await Fetch($"photos/{name}");
        Assert.Equal(FetchStatus.Fetched, result.Status);
        Assert.Equal(server.Photos[name], result.Body);
        Assert.Equal("image/jpeg", result.ContentType);
        Assert.NotNull(result.Validators!.ETag);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero), result.Validators.LastModified);
    }

    [Fact]
    public async Task Fetch_WithValidators_IsConditionalAndAnswersNotModified()
    {
        string name = server.Photos.Keys.Order(StringComparer.Ordinal).Skip(1).First();
        var first = await Fetch($"photos/{name}");
        var again = await Fetch($"photos/{name}", validators: first.Validators);
        Assert.Equal(FetchStatus.NotModified, again.Status);
        Assert.Null(again.Body);
        Assert.Equal(1, server.NotModifiedAnswers[name]);
    }

    [Fact]
    public async Task Fetch_404_FailsWithTheStatusAndIsNotRetried()
    {
        var result = await Fetch("status/404");
        Assert.Equal((FetchStatus.Failed, 404), (result.Status, result.HttpStatus));
        Assert.Contains("HTTP 404", result.Reason);
        Assert.Equal(1, server.Requests["/status/404"]);
    }

    [Fact]
    public async Task Fetch_500_IsRetriedThenFails()
    {
        var result = await Fetch("status/500");
        Assert.Equal((FetchStatus.Failed, 500), (result.Status, result.HttpStatus));
        Assert.Equal(1 + Options.MaxRetries, server.Requests["/status/500"]);
    }

    [Fact]
    public async Task Fetch_TransientThenGood_SucceedsOnARetry()
    {
        var result = await Fetch("flaky/a");
        Assert.Equal(FetchStatus.Fetched, result.Status);
        Assert.Equal(3, server.Requests["/flaky/a"]);
    }

    [Fact]
    public async Task Fetch_SlowBody_TimesOut()
    {
        var result = await Fetch("slow");
        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Contains("did not arrive within 2 s", result.Reason);
    }

    [Fact]
    public async Task Fetch_EndlessBody_StopsAtTheLimit()
    {
        var result = await Fetch("endless");
        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Contains("passed the limit of 2,097,152 bytes", result.Reason);
    }

    [Fact]
    public async Task Fetch_ContentLengthOverTheLimit_IsRefusedBeforeReading()
    {
        var result = await Fetch("huge");
        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Contains("10,737,418,240 bytes (Content-Length), over the limit", result.Reason);
    }

    [Fact]
    public async Task Fetch_HtmlInsteadOfAnImage_IsRefusedByTheBodyCheck()
    {
        var result = await Fetch("html");
        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Equal("not an image (Content-Type text/html)", result.Reason);
    }

    [Fact]
    public async Task Fetch_JpegDeclaredAsText_IsAcceptedOnItsBytes()
    {
        var result = await Fetch("jpeg-as-text");
        Assert.Equal(FetchStatus.Fetched, result.Status);
    }

    [Fact]
    public async Task Fetch_RedirectLoop_Fails()
    {
        var result = await Fetch("loop/a");
        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Contains("redirect loop", result.Reason);
        Assert.Equal(1, server.Requests["/loop/a"]);
    }

    [Fact]
    public async Task Fetch_RedirectChain_FollowsUpToTheLimit()
    {
        Assert.Equal(FetchStatus.Fetched, (await Fetch("chain/5")).Status);
        var tooLong = await Fetch("chain/6");
        Assert.Equal(FetchStatus.Failed, tooLong.Status);
        Assert.Contains("more than 5 redirects", tooLong.Reason);
    }

    [Fact]
    public async Task Fetch_PermanentRedirect_ToAPhoto_Works()
    {
        string name = server.Photos.Keys.Order(StringComparer.Ordinal).Last();
        var result = await Fetch($"moved/{name}");
        Assert.Equal(FetchStatus.Fetched, result.Status);
        Assert.Equal(server.Url($"photos/{name}"), result.FinalUrl);
    }

    [Fact]
    public async Task Fetch_RedirectToTheMetadataAddress_IsRefusedWithoutRetries()
    {
        var result = await Fetch("to-metadata");
        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Equal("169.254.169.254 is the cloud metadata address: refused", result.Reason);
        Assert.Equal(1, server.Requests["/to-metadata"]);
    }

    [Fact]
    public async Task Fetch_RedirectToFile_IsRefused()
    {
        var result = await Fetch("to-file");
        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Equal("a redirect to file:// is refused: only http and https", result.Reason);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is the cloud metadata address: refused")]
    [InlineData("http://169.254.10.1/", "169.254.10.1 is a link-local address (169.254.0.0/16): refused")]
    [InlineData("http://[fe80::1]/x.jpg", "fe80::1 is a link-local address (fe80::/10): refused")]
    [InlineData("http://[fd00:ec2::254]/", "fd00:ec2::254 is the cloud metadata address: refused")]
    [InlineData("http://0.0.0.0/x.jpg", "0.0.0.0 is an unspecified address (0.0.0.0/8): refused")]
    [InlineData("http://[::ffff:169.254.169.254]/", "::ffff:169.254.169.254 is the cloud metadata address: refused")]
    [InlineData("file:///etc/passwd", "file:// is refused: only http and https")]
    [InlineData("ftp://x.example/a.jpg", "ftp:// is refused: only http and https")]
    public async Task Fetch_ForbiddenTarget_IsRefusedBeforeAnyByteIsSent(string url, string reason)
    {
        using var fetcher = new ImageFetcher(Options);
        var result = await fetcher.FetchAsync(new Uri(url));
        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.Null(result.HttpStatus);
        Assert.Equal(reason, result.Reason);
    }

    [Fact]
    public async Task Fetch_LinkLocalAllowed_TriesToConnect()
    {
        // Allowed, the address is connected to (nothing answers there in a test machine: a connection failure, not a refusal).
        using var fetcher = new ImageFetcher(Options with { AllowLinkLocal = true, MaxRetries = 0, AttemptTimeout = TimeSpan.FromMilliseconds(300) });
        var result = await fetcher.FetchAsync(new Uri("http://169.254.169.254/latest/meta-data/"));
        Assert.Equal(FetchStatus.Failed, result.Status);
        Assert.DoesNotContain("refused", result.Reason);
    }

    [Fact]
    public async Task Fetch_ManyAtOnce_NeverMoreThanMaxPerHostInFlight()
    {
        using var fetcher = new ImageFetcher(Options with { MaxConcurrency = 16, MaxPerHost = 2 });
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => fetcher.FetchAsync(server.Url($"held/{i}"), check: JpegOnly)));
        Assert.All(results, r => Assert.Equal(FetchStatus.Fetched, r.Status));
        Assert.Equal(2, server.HeldMaxInFlight);
    }

    [Fact]
    public void Options_OutOfRange_NameTheValue()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ImageFetcher(Options with { MaxPerHost = 0 }));
        Assert.Equal("MaxPerHost", e.ParamName);
    }
}
