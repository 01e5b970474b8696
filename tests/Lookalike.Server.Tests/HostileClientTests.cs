using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lookalike.Core.Feedback;
using Lookalike.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Lookalike.Server.Tests.Support.ApiFixture;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary>
/// The attacks of the security review (issue 13), each replayed against the shipped server on Kestrel: every test
/// failed on the server before the fix. One client address per test keeps their rate limits apart.
/// </summary>
[Collection(HostileServerCollection.Name)]
public sealed class HostileClientTests(HostileServerFixture fixture)
{
    private ServerCatalog Catalog => fixture.Server.Services.GetRequiredService<ServerCatalog>();

    private static string UserPath(string user) => "/api/users/" + Uri.EscapeDataString(user);

    // 1. Memory through feedback.

    [Fact]
    public async Task RankingFlood_KeptAsAdjacentPreferences_NotAllPairs()
    {
        using var client = fixture.Server.Client("127.0.1.1");
        var ids = fixture.Catalog.Items.Select(i => i.Id).ToList();
        // 100 rankings of every item (20 here; the attack used 250 on a larger catalog, now refused below).
        var payload = Enumerable.Range(0, 100).Select(r => new { kind = "ranking", ranking = $"r{r}", items = ids.Skip(r % ids.Count).Concat(ids.Take(r % ids.Count)).ToArray() }).ToArray();
        using (var stored = await client.PostAsJsonAsync(UserPath("flood-1") + "/feedback", payload))
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);

        var history = Catalog.Recommendations.Engine.HistoryOf(Core.Feedback.UserId.Parse("flood-1"));
        // n−1 adjacent preferences per ranking of n items, not n(n−1)/2.
        Assert.Equal(100 * (ids.Count - 1), history.Preferences.Count);
        using (var read = await client.GetAsync(UserPath("flood-1") + "/recommendations?k=5"))
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task RankingOverTheItemLimit_400NamingItems_BeforeAnyItemIsLookedUp()
    {
        using var client = fixture.Server.Client("127.0.1.2");
        var names = Enumerable.Range(0, FeedbackLimits.Default.MaxRankingItems + 150).Select(i => $"images/none-{i}.jpg").ToArray();
        using var refused = await client.PostAsJsonAsync(UserPath("flood-2") + "/feedback", new { kind = "ranking", items = names });
        var problem = await Problems.AssertAsync(refused, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("items", problem.GetProperty("subject").GetString());
        Assert.Contains($"at most {FeedbackLimits.Default.MaxRankingItems}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    // 2. DNS rebinding.

    [Fact]
    public async Task ReboundHostName_421ForReadsAndWrites_NothingStored()
    {
        using var client = fixture.Server.Client("127.0.1.3");
        int port = new Uri(fixture.Server.BaseUrl).Port;
        string evil = $"rebind.evil.example:{port}";

        using (var read = new HttpRequestMessage(HttpMethod.Get, "/api/items?pageSize=200"))
        {
            read.Headers.Host = evil;
            var problem = await Problems.AssertAsync(await client.SendAsync(read), HttpStatusCode.MisdirectedRequest, "MisdirectedRequest");
            Assert.Contains("rebind.evil.example", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        using (var write = new HttpRequestMessage(HttpMethod.Post, UserPath("rebound") + "/feedback"))
        {
            write.Headers.Host = evil;
            write.Headers.Add("Origin", $"http://{evil}");
            write.Content = JsonContent.Create(new { kind = "like", item = fixture.Catalog.Items[0].Id });
            await Problems.AssertAsync(await client.SendAsync(write), HttpStatusCode.MisdirectedRequest, "MisdirectedRequest");
        }
        Assert.Empty(Catalog.Feedback.ReadUser(Core.Feedback.UserId.Parse("rebound")));

        // The server's own names still work, with a same-origin write.
        foreach (string own in new[] { $"localhost:{port}", $"127.0.0.1:{port}", $"LOCALHOST:{port}" })
        {
            using var ok = new HttpRequestMessage(HttpMethod.Post, UserPath("own-host") + "/feedback");
            ok.Headers.Host = own;
            ok.Headers.Add("Origin", $"http://{own}");
            ok.Content = JsonContent.Create(new { kind = "like", item = fixture.Catalog.Items[0].Id });
            using var answer = await client.SendAsync(ok);
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"Host {own}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task AllowedHostsOption_AnswersForThatName_AndOnlyIt()
    {
        await using var server = await KestrelApp.StartAsync(fixture.Catalog.Store, null, "--Lookalike:AllowedHosts:0=shop.example", "--Lookalike:AllowedHosts:1=*.cdn.example");
        using var client = server.Client();
        foreach (var (host, status) in new[] { ("shop.example", HttpStatusCode.OK), ("img.cdn.example", HttpStatusCode.OK), ("cdn.example", HttpStatusCode.MisdirectedRequest), ("evil.example", HttpStatusCode.MisdirectedRequest) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
            request.Headers.Host = host;
            using var answer = await client.SendAsync(request);
            Assert.True(status == answer.StatusCode, $"Host {host}: {(int)answer.StatusCode}");
        }
    }

    // 3. Rate-limit bypass with a trailing slash.

    [Theory]
    [InlineData("127.0.1.4", "/similar/", false)]
    [InlineData("127.0.1.5", "/similar//", false)]
    [InlineData("127.0.1.6", "/also/", false)]
    [InlineData("127.0.1.19", "/similar/", true)]
    [InlineData("127.0.1.20", "/similar//", true)]
    [InlineData("127.0.1.21", "/also/", true)]
    public async Task TrailingSlash_CountsAgainstTheSameLimit(string address, string suffix, bool encoded)
    {
        using var client = fixture.Server.Client(address);
        string id = fixture.Catalog.Items[0].Id; // images/….jpg: unencoded, it goes to the catch-all route
        string path = (encoded ? ItemPath(id) : "/api/items/" + id) + suffix;
        int refused = 0, answered = 0;
        for (int i = 0; i < HostileServerFixture.SimilarPerHour + 5; i++)
        {
            using var response = await client.GetAsync(path);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) refused++;
            else if (response.StatusCode == HttpStatusCode.OK) answered++;
        }
        Assert.Equal(HostileServerFixture.SimilarPerHour, answered);
        Assert.Equal(5, refused);
    }

    // 4. Server paths in JSON.

    [Fact]
    public async Task EveryItemAnswer_NamesNoServerPath()
    {
        using var client = fixture.Server.Client("127.0.1.7");
        string id = fixture.Catalog.Items[0].Id;
        string user = "paths";
        using (var like = await client.PostAsJsonAsync(UserPath(user) + "/feedback", new { kind = "like", item = id }))
            like.EnsureSuccessStatusCode();
        byte[] photo = await File.ReadAllBytesAsync(fixture.Catalog.Outside[0].Path);
        var answers = new List<(string What, string Json)>();
        foreach (string url in new[]
                 {
                     "/api/items?pageSize=50", ItemPath(id), ItemPath(id) + "/similar?k=3", ItemPath(id) + "/also?k=3",
                     UserPath(user) + "/recommendations?k=3", UserPath(user) + "/pair",
                 })
        {
            using var response = await client.GetAsync(url);
            answers.Add((url, await response.Content.ReadAsStringAsync()));
        }
        using (var search = await client.PostAsync("/api/search", UploadForm.Image(photo, "photo.jpg", ("k", "3"))))
            answers.Add(("search", await search.Content.ReadAsStringAsync()));
        using (var upload = await client.PostAsync("/api/items", UploadForm.Image(photo, "new.jpg")))
        {
            Assert.Equal(HttpStatusCode.Created, upload.StatusCode);
            answers.Add(("upload", await upload.Content.ReadAsStringAsync()));
        }
        foreach (var (what, json) in answers)
        {
            Assert.DoesNotContain(fixture.Catalog.Folder, json, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Catalog.Store, json, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Catalog.TempPath, json, StringComparison.Ordinal);
            Assert.True(json.Contains("\"id\"", StringComparison.Ordinal), $"{what}: {json}");
        }
    }

    // 5. Invalid UTF-8 and lone surrogates.

    [Theory]
    [InlineData("{\"kind\":\"like\",\"item\":\"\xff\xfe\"}", "item")]
    [InlineData("{\"kind\":\"search\",\"item\":\"ITEM\",\"query\":\"\\ud800\"}", "query")]
    [InlineData("{\"kind\":\"ranking\",\"items\":[\"ITEM\",\"\\udc00x\"]}", "items")]
    public async Task BrokenTextInJson_400NamingTheField(string body, string field)
    {
        using var client = fixture.Server.Client("127.0.1.8");
        // Latin-1 keeps \xff\xfe as those two bytes: invalid UTF-8 on the wire.
        byte[] bytes = Encoding.Latin1.GetBytes(body.Replace("ITEM", fixture.Catalog.Items[0].Id, StringComparison.Ordinal));
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(UserPath("broken-text") + "/feedback", content);
        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal(field, problem.GetProperty("subject").GetString());
    }

    // 6. Symbolic links out of the catalog.

    [Fact]
    public async Task PhotoReplacedByALinkOutOfTheCatalog_404_NothingOfTheTargetServed()
    {
        using var client = fixture.Server.Client("127.0.1.9");
        string photo = Path.Combine(fixture.Catalog.Folder, fixture.Victim);
        File.Delete(photo);
        File.CreateSymbolicLink(photo, "/etc/passwd");
        string other = fixture.Catalog.Items.First(i => i.Id != fixture.Victim).Id;
        // Every route that reads an item's photo: the file, its thumbnail, a region of it, and both sides of "why similar".
        foreach (string sub in new[] { "/image", "/thumbnail?size=512", "/similar?box-frac=0,0,0.5,0.5", "/explain/" + Uri.EscapeDataString(other) })
        {
            using var response = await client.GetAsync(ItemPath(fixture.Victim) + sub);
            string body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("root:", body, StringComparison.Ordinal);
            await Problems.AssertAsync(response, HttpStatusCode.NotFound, "NotFound");
        }
        using var reverse = await client.GetAsync(ItemPath(other) + "/explain/" + Uri.EscapeDataString(fixture.Victim));
        await Problems.AssertAsync(reverse, HttpStatusCode.NotFound, "NotFound");
    }

    // 7. Thumbnails as free CPU.

    [Fact]
    public async Task ManyThumbnailSizes_RenderedAtFewSteps_UncachedRendersLimitedPerClient()
    {
        using var client = fixture.Server.Client("127.0.1.10");
        string id = fixture.Catalog.Items[1].Id;
        long before = Catalog.Thumbnails.Hits.Made;
        var sizes = Enumerable.Range(0, 16).Select(i => 17 + i * 63).ToList(); // 17 … 962: sixteen distinct sizes
        foreach (int size in sizes)
        {
            using var response = await client.GetAsync(ItemPath(id) + $"/thumbnail?size={size}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"size {size}: {(int)response.StatusCode}");
        }
        Assert.InRange(Catalog.Thumbnails.Hits.Made - before, 1, 5); // 64, 128, 256, 512, 1024 at most

        // New photos each cost a render: past the budget, 429 with Retry-After; cached thumbnails are still served.
        using var greedy = fixture.Server.Client("127.0.1.11");
        var answers = new List<HttpStatusCode>();
        foreach (var item in fixture.Catalog.Items.Take(HostileServerFixture.ThumbnailsPerHour + 3).Where(i => i.Id != fixture.Victim))
        {
            using var response = await greedy.GetAsync(ItemPath(item.Id) + "/thumbnail?size=100");
            answers.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Problems.AssertAsync(response, HttpStatusCode.TooManyRequests, "RateLimited");
                Assert.True(response.Headers.Contains("Retry-After"));
            }
        }
        Assert.Contains(HttpStatusCode.TooManyRequests, answers);
        using var cached = await greedy.GetAsync(ItemPath(id) + "/thumbnail?size=64");
        Assert.Equal(HttpStatusCode.OK, cached.StatusCode);
    }

    // 9. Consistency.

    [Fact]
    public async Task OverlongUrlAndHeaders_ProblemJson()
    {
        using var client = fixture.Server.Client("127.0.1.12");
        using (var longUrl = await client.GetAsync("/api/items?where=class:" + new string('a', 10_000)))
            await Problems.AssertAsync(longUrl, HttpStatusCode.RequestUriTooLong, "RequestTooLarge");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("X-Padding", new string('b', 40_000));
        await Problems.AssertAsync(await client.SendAsync(request), HttpStatusCode.RequestHeaderFieldsTooLarge, "RequestTooLarge");
    }

    [Fact]
    public async Task ErrorsFromTheExceptionHandler_CarryTheSecurityHeaders()
    {
        using var client = fixture.Server.Client("127.0.1.14");
        using var missing = await client.GetAsync(ItemPath("images/no-such-photo.jpg"));
        await Problems.AssertAsync(missing, HttpStatusCode.NotFound, "NotFound");
        Assert.Equal("nosniff", Assert.Single(missing.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(missing.Headers.GetValues("X-Frame-Options")));
        Assert.True(missing.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task TooManyFormFields_400SayingSo_NotImageTooLarge()
    {
        using var client = fixture.Server.Client("127.0.1.15");
        byte[] photo = await File.ReadAllBytesAsync(fixture.Catalog.Outside[1].Path);
        var fields = Enumerable.Range(0, 70).Select(i => ($"f{i}", "x")).ToArray();
        using var response = await client.PostAsync("/api/search", UploadForm.Image(photo, "x.jpg", fields));
        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Contains("fields", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/similar?k=abc", "k", "whole number")]
    [InlineData("/thumbnail?size=big", "size", "whole number")]
    public async Task UnreadableQueryNumber_NamesTheArgument_NoDotNetType(string suffix, string field, string expected)
    {
        using var client = fixture.Server.Client("127.0.1.16");
        using var response = await client.GetAsync(ItemPath(fixture.Catalog.Items[2].Id) + suffix);
        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(expected, detail, StringComparison.Ordinal);
        Assert.Equal(field, problem.GetProperty("subject").GetString());
        foreach (string type in new[] { "Int32", "int?", "Nullable", "System." }) Assert.DoesNotContain(type, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_AnsweredLikeGet_WithoutABody()
    {
        using var client = fixture.Server.Client("127.0.1.17");
        foreach (string url in new[] { "/health", "/api/items?pageSize=2", ItemPath(fixture.Catalog.Items[3].Id), ItemPath(fixture.Catalog.Items[3].Id) + "/image" })
        {
            using var get = await client.GetAsync(url);
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
            Assert.True(head.StatusCode == HttpStatusCode.OK, $"HEAD {url}: {(int)head.StatusCode}");
            Assert.Equal(get.Content.Headers.ContentType?.MediaType, head.Content.Headers.ContentType?.MediaType);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task FeedbackFarInTheFuture_400NamingTime_NothingStored()
    {
        using var client = fixture.Server.Client("127.0.1.18");
        using var response = await client.PostAsJsonAsync(UserPath("time-traveller") + "/feedback",
            new { kind = "like", item = fixture.Catalog.Items[4].Id, time = "9999-12-31T00:00:00Z" });
        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("time", problem.GetProperty("subject").GetString());
        Assert.Empty(Catalog.Feedback.ReadUser(Core.Feedback.UserId.Parse("time-traveller")));
    }

    [Fact]
    public async Task EveryProblem_CarriesAKindFromTheOneEnum_FrameworkAnswersIncluded()
    {
        using var client = fixture.Server.Client("127.0.1.22");
        var misdirected = new HttpRequestMessage(HttpMethod.Get, "/health");
        misdirected.Headers.Host = "elsewhere.example";
        var answers = new[]
        {
            (await client.GetAsync("/no/such/route"), HttpStatusCode.NotFound),
            (await client.DeleteAsync("/api/search"), HttpStatusCode.MethodNotAllowed),
            (await client.SendAsync(misdirected), HttpStatusCode.MisdirectedRequest),
            (await client.GetAsync(ItemPath(fixture.Catalog.Items[2].Id) + "/similar?k=0"), HttpStatusCode.BadRequest),
        };
        foreach (var (response, status) in answers)
        {
            using (response)
            {
                var problem = await Problems.AssertAsync(response, status);
                string kind = problem.GetProperty("kind").GetString()!;
                Assert.True(Enum.TryParse<Core.Errors.LookalikeErrorKind>(kind, out _), $"{(int)status}: kind '{kind}' is not a LookalikeErrorKind");
            }
        }
    }

    [Fact]
    public async Task KeylessWriteFromAnotherMachine_403_ReadsStillAnswered()
    {
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        Assert.True(address is not null, "this test needs a non-loopback IPv4 address on this machine to play the other machine");
        await using var server = await KestrelApp.StartAsync(fixture.Catalog.Store, null, "--urls", $"http://{address}:0");
        using var client = server.Client(address!.ToString());
        using (var read = await client.GetAsync("/api/items?pageSize=2"))
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        using var write = await client.PostAsJsonAsync(UserPath("remote") + "/feedback", new { kind = "like", item = fixture.Catalog.Items[5].Id });
        var problem = await Problems.AssertAsync(write, HttpStatusCode.Forbidden, "Forbidden");
        Assert.Contains("--api-key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
