using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lookalike.Server.Tests.Support;
using static Lookalike.Server.Tests.Support.ApiFixture;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary>
/// A server without an API key refuses writes that another site's page makes a browser send (Origin of another site,
/// Sec-Fetch-Site cross-site or same-site, Origin null) with 403 naming the origin, and stores nothing; its own page
/// (same origin) and clients that send no Origin (curl, scripts) write as before. Reads are never refused.
/// The API-key side is in <see cref="CorsTests"/>.
/// </summary>
[Collection(OpenServerCollection.Name)]
public sealed class CrossSiteWriteTests(OpenServerFixture fixture)
{
    private const string Evil = "https://evil.example";

    [Fact]
    public async Task CrossSiteWrites_403NamingTheOrigin_NothingStored()
    {
        using var client = fixture.Server.Client();
        byte[] photo = await File.ReadAllBytesAsync(fixture.UnusedPhoto("hat", 0));
        string target = fixture.Catalog.Items[0].Id;
        int items = await ItemCountAsync(client);

        foreach (var (header, value, named) in new[]
                 {
                     ("Origin", Evil, Evil),
                     ("Origin", "null", "null"),
                     ("Origin", fixture.Server.BaseUrl.Replace("127.0.0.1", "localhost", StringComparison.Ordinal), "localhost"),
                     ("Sec-Fetch-Site", "cross-site", "cross-site"),
                     ("Sec-Fetch-Site", "same-site", "same-site"),
                 })
        {
            using (var add = Request(HttpMethod.Post, "/api/items", header, value, UploadForm.Image(photo, "x.jpg")))
            using (var refused = await client.SendAsync(add))
            {
                var problem = await Problems.AssertAsync(refused, HttpStatusCode.Forbidden, "Forbidden");
                Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
            using (var like = Request(HttpMethod.Post, "/api/users/cross-victim/feedback", header, value, JsonContent.Create(new { kind = "like", item = target })))
                await Problems.AssertAsync(await client.SendAsync(like), HttpStatusCode.Forbidden, "Forbidden");
            using (var delete = Request(HttpMethod.Delete, ItemPath(target), header, value))
                await Problems.AssertAsync(await client.SendAsync(delete), HttpStatusCode.Forbidden, "Forbidden");
            using (var search = Request(HttpMethod.Post, "/api/search", header, value, UploadForm.Image(photo, "x.jpg")))
                await Problems.AssertAsync(await client.SendAsync(search), HttpStatusCode.Forbidden, "Forbidden");
        }

        Assert.Equal(items, await ItemCountAsync(client));
        var feedback = await client.GetFromJsonAsync<JsonElement>("/api/users/cross-victim/feedback");
        Assert.Equal(0, feedback.GetProperty("total").GetInt32());
        using var still = await client.GetAsync(ItemPath(target));
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task SameOriginOrNoOriginWrites_Accepted_ReadsFromAnywhereToo()
    {
        using var client = fixture.Server.Client();
        string target = fixture.Catalog.Items[1].Id;
        foreach (var (header, value) in new[]
                 {
                     ("Origin", fixture.Server.BaseUrl),
                     ("Sec-Fetch-Site", "same-origin"),
                     ("Sec-Fetch-Site", "none"),
                     ("", ""),
                 })
        {
            using var like = Request(HttpMethod.Post, "/api/users/cross-own-page/feedback", header, value, JsonContent.Create(new { kind = "like", item = target }));
            using var accepted = await client.SendAsync(like);
            Assert.True(accepted.StatusCode == HttpStatusCode.OK, $"{header}: {value}: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
        }
        // Behind a proxy that rewrites Host, the browser's Sec-Fetch-Site still says the page is the server's own.
        using (var proxied = Request(HttpMethod.Post, "/api/users/cross-own-page/feedback", "Sec-Fetch-Site", "same-origin", JsonContent.Create(new { kind = "view", item = target })))
        {
            proxied.Headers.Add("Origin", "https://shop.example");
            using var accepted = await client.SendAsync(proxied);
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        var feedback = await client.GetFromJsonAsync<JsonElement>("/api/users/cross-own-page/feedback");
        Assert.Equal(5, feedback.GetProperty("total").GetInt32());

        string photo = fixture.UnusedPhoto("hat", 1);
        using (var add = Request(HttpMethod.Post, "/api/items", "Origin", fixture.Server.BaseUrl, UploadForm.Image(await File.ReadAllBytesAsync(photo), "own.jpg")))
        using (var added = await client.SendAsync(add))
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        string plain = await LiveCatalogRecommendationTests.AddAsync(client, fixture.UnusedPhoto("hat", 2));
        using (var delete = Request(HttpMethod.Delete, ItemPath(plain), "Origin", fixture.Server.BaseUrl))
        using (var deleted = await client.SendAsync(delete))
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        using var read = Request(HttpMethod.Get, ItemPath(target) + "/similar?k=3", "Origin", Evil);
        using var answered = await client.SendAsync(read);
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string header, string value, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (header.Length > 0) request.Headers.Add(header, value);
        return request;
    }

    private static async Task<int> ItemCountAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/info")).GetProperty("items").GetInt32();
}
