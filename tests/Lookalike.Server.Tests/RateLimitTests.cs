using System.Net;
using Lookalike.Server.Tests.Support;
using static Lookalike.Server.Tests.Support.ApiFixture;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary>
/// Per-client rate limits on the real server (Kestrel, real sockets from distinct 127.0.0.x client addresses):
/// under the limit nothing is refused, over it every request is a 429 problem with Retry-After, other clients are
/// unaffected, recommendation reads share the look-alike limit, and health, readiness and listings are never limited.
/// </summary>
[Collection(HardenedServerCollection.Name)]
public sealed class RateLimitTests(HardenedServerFixture fixture)
{
    private readonly int _limit = HardenedServerFixture.SimilarPerHour;

    private string SimilarPath(int i) => ItemPath(fixture.Catalog.Items[i % fixture.Catalog.Items.Count].Id) + "/similar?k=3";

    [Fact]
    public async Task Similar_BurstOverTheLimit_429ProblemWithRetryAfter_NoneUnderIt()
    {
        using var client = fixture.Server.Client("127.0.0.2");
        for (int i = 0; i < _limit; i++)
        {
            using var ok = await client.GetAsync(SimilarPath(i));
            Assert.True(ok.StatusCode == HttpStatusCode.OK, $"request {i + 1} of {_limit} (under the limit): {(int)ok.StatusCode}");
        }
        for (int i = 0; i < 5; i++)
        {
            using var refused = await client.GetAsync(SimilarPath(i));
            var problem = await Problems.AssertAsync(refused, HttpStatusCode.TooManyRequests, "RateLimited");
            var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
            int seconds = int.Parse(retryAfter, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(seconds, 1, 3600);
            Assert.Equal(seconds, problem.GetProperty("retryAfterSeconds").GetInt32());
            Assert.Contains("10/h", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        // The unencoded form of the same endpoint counts against the same limit.
        using var unencoded = await client.GetAsync("/api/items/" + fixture.Catalog.Items[0].Id + "/similar");
        Assert.Equal(HttpStatusCode.TooManyRequests, unencoded.StatusCode);
    }

    [Fact]
    public async Task Similar_OneClientOverTheLimit_OtherClientsUnaffected()
    {
        using var greedy = fixture.Server.Client("127.0.0.3");
        int refused = 0;
        for (int i = 0; i < _limit + 5; i++)
        {
            using var response = await greedy.GetAsync(SimilarPath(i));
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused++;
        }
        Assert.Equal(5, refused);

        using var other = fixture.Server.Client("127.0.0.4");
        for (int i = 0; i < _limit; i++)
        {
            using var response = await other.GetAsync(SimilarPath(i));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Uploads_SearchAndAddShareOneLimit_SimilarHasItsOwn()
    {
        using var client = fixture.Server.Client("127.0.0.5");
        client.DefaultRequestHeaders.Add("X-Api-Key", HardenedServerFixture.ApiKey);
        byte[] photo = await File.ReadAllBytesAsync(fixture.Catalog.Outside[0].Path);
        using (var search = await client.PostAsync("/api/search", UploadForm.Image(photo, "a.jpg", ("k", "3"))))
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        using (var add = await client.PostAsync("/api/items", UploadForm.Image(photo, "a.jpg")))
            Assert.True(add.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"add: {(int)add.StatusCode}");
        using (var search = await client.PostAsync("/api/search", UploadForm.Image(photo, "a.jpg", ("k", "3"))))
            Assert.Equal(HttpStatusCode.OK, search.StatusCode);

        using (var search = await client.PostAsync("/api/search", UploadForm.Image(photo, "a.jpg", ("k", "3"))))
        {
            await Problems.AssertAsync(search, HttpStatusCode.TooManyRequests, "RateLimited");
            Assert.True(search.Headers.RetryAfter is not null, "no Retry-After");
        }
        using (var add = await client.PostAsync("/api/items", UploadForm.Image(photo, "b.jpg")))
            await Problems.AssertAsync(add, HttpStatusCode.TooManyRequests, "RateLimited");
        using (var similar = await client.GetAsync(SimilarPath(0)))
            Assert.Equal(HttpStatusCode.OK, similar.StatusCode);
    }

    [Fact]
    public async Task RecommendationReads_ShareTheSimilarLimit_429OverIt()
    {
        using var client = fixture.Server.Client("127.0.0.7");
        string item = fixture.Catalog.Items[2].Id;
        string[] paths = ["/api/users/rl-user/recommendations?k=3", "/api/users/rl-user/pair", ItemPath(item) + "/also?k=3", SimilarPath(2)];
        for (int i = 0; i < _limit; i++)
        {
            using var ok = await client.GetAsync(paths[i % paths.Length]);
            Assert.True(ok.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"request {i + 1} of {_limit} ({paths[i % paths.Length]}): {(int)ok.StatusCode}");
        }
        foreach (string path in paths.Append("/api/items/" + item + "/also"))
        {
            using var refused = await client.GetAsync(path);
            var problem = await Problems.AssertAsync(refused, HttpStatusCode.TooManyRequests, "RateLimited");
            Assert.True(refused.Headers.RetryAfter is not null, $"{path}: no Retry-After");
            Assert.Contains("recommendation", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        // A user's stored feedback is not rate-limited (it needs the key on this server, issue 13).
        using var feedbackList = new HttpRequestMessage(HttpMethod.Get, "/api/users/rl-user/feedback");
        feedbackList.Headers.Add("X-Api-Key", HardenedServerFixture.ApiKey);
        using var listed = await client.SendAsync(feedbackList);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
    }

    [Fact]
    public async Task HealthReadyAndReads_NeverLimited_EvenForAClientOverItsLimits()
    {
        using var client = fixture.Server.Client("127.0.0.6");
        for (int i = 0; i <= _limit; i++) (await client.GetAsync(SimilarPath(i))).Dispose();
        using (var limited = await client.GetAsync(SimilarPath(0)))
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);

        string item = ItemPath(fixture.Catalog.Items[0].Id);
        foreach (string path in new[] { "/health", "/ready", "/api/info", "/api/items?pageSize=5", item, item + "/thumbnail?size=64" })
        {
            for (int i = 0; i < 3 * _limit; i++)
            {
                using var response = await client.GetAsync(path);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} #{i + 1}: {(int)response.StatusCode}");
            }
        }
    }

    [Theory]
    [InlineData("10/s", 10, 1)]
    [InlineData("600/min", 600, 60)]
    [InlineData("5/h", 5, 3600)]
    [InlineData("7", 7, 1)]
    public void RateLimit_Parse_PrintsBack(string text, int permits, int windowSeconds)
    {
        var limit = Http.RateLimit.Parse(text, "--rate-limit");
        Assert.Equal(permits, limit.Permits);
        Assert.Equal(TimeSpan.FromSeconds(windowSeconds), limit.Window);
        Assert.Equal(limit, Http.RateLimit.Parse(limit.ToString(), "--rate-limit"));
    }

    [Theory]
    [InlineData("off")]
    [InlineData("0")]
    [InlineData("0/min")]
    public void RateLimit_OffOrZero_NoLimit(string text) => Assert.True(Http.RateLimit.Parse(text, "x").IsOff);

    [Theory]
    [InlineData("ten/s")]
    [InlineData("10/day")]
    [InlineData("-1/s")]
    [InlineData("10/s/x")]
    public void RateLimit_Malformed_InvalidArgumentNamingTheFlag(string text)
    {
        var e = Assert.Throws<Core.Errors.LookalikeException>(() => Http.RateLimit.Parse(text, "--rate-limit"));
        Assert.Equal(Core.Errors.LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("--rate-limit", e.Subject);
        Assert.Contains("--rate-limit", e.Message, StringComparison.Ordinal);
    }
}
