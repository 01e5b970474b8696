using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lookalike.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using static Lookalike.Server.Tests.Support.ApiFixture;

namespace Lookalike.Server.Tests;

/// <summary>Reading the catalog over HTTP: listing, items, photos, thumbnails, look-alikes, health, OpenAPI.</summary>
[Collection(ApiCollection.Name)]
public sealed class ItemsApiTests(ApiFixture fixture)
{
    private readonly HttpClient _client = fixture.Client;
    private readonly SampleCatalog _catalog = fixture.Catalog;

    [Fact]
    public async Task Health_Always_Alive()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("alive", body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Ready_AfterStart_ReportsItemsModelIndex()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/ready");
        Assert.Equal("ready", body.GetProperty("status").GetString());
        Assert.Equal(40, body.GetProperty("items").GetInt32());
        Assert.StartsWith("resnet18@", body.GetProperty("model").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("index").GetString()));
    }

    [Fact]
    public async Task Info_HasCountModelDimensionAndClassFacet()
    {
        var info = await _client.GetFromJsonAsync<JsonElement>("/api/info");
        Assert.Equal(40, info.GetProperty("items").GetInt32());
        Assert.Equal(512, info.GetProperty("dimension").GetInt32());
        var classFacet = info.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "class");
        var values = classFacet.GetProperty("values").EnumerateArray().ToList();
        Assert.Equal(10, values.Count);
        Assert.All(values, v => Assert.Equal(4, v.GetProperty("count").GetInt32()));
        Assert.Equal(20L * 1024 * 1024, info.GetProperty("limits").GetProperty("maxUploadBytes").GetInt64());
    }

    [Fact]
    public async Task ListItems_Pages_CoverCatalogOnceInIdOrder()
    {
        var seen = new List<string>();
        for (int page = 1; page <= 3; page++)
        {
            var body = await _client.GetFromJsonAsync<JsonElement>($"/api/items?page={page}&pageSize=15");
            Assert.Equal(40, body.GetProperty("total").GetInt32());
            Assert.Equal(page, body.GetProperty("page").GetInt32());
            var items = body.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(page < 3 ? 15 : 10, items.Count);
            Assert.All(items, i => Assert.True(i.GetProperty("metadata").TryGetProperty("class", out _)));
            seen.AddRange(items.Select(i => i.GetProperty("id").GetString()!));
        }
        Assert.Equal(_catalog.Items.Select(i => i.Id), seen);
    }

    [Fact]
    public async Task ListItems_PastLastPage_EmptyWithTotal()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/api/items?page=99&pageSize=10");
        Assert.Equal(40, body.GetProperty("total").GetInt32());
        Assert.Empty(body.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task ListItems_WhereClass_OnlyThatClass()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/api/items?where=class:shoes&pageSize=200");
        var items = body.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(4, body.GetProperty("total").GetInt32());
        Assert.All(items, i => Assert.Equal("shoes", i.GetProperty("metadata").GetProperty("class").GetString()));
    }

    [Fact]
    public async Task ListItems_WhereSameColumnTwice_EitherValue()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>("/api/items?where=class:shoes&where=class:hat");
        Assert.Equal(8, body.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/api/items?where=class", "where")]
    [InlineData("/api/items?where=:shoes", "where")]
    [InlineData("/api/items?where=colour:red", "where")]
    [InlineData("/api/items?page=0", "page")]
    [InlineData("/api/items?pageSize=0", "pageSize")]
    [InlineData("/api/items?pageSize=201", "pageSize")]
    public async Task ListItems_BadArguments_400NamingTheArgument(string url, string field)
    {
        var problem = await Problems.AssertAsync(await _client.GetAsync(url), HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal(field, problem.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task ListItems_PageNotANumber_400Problem()
    {
        var problem = await Problems.AssertAsync(await _client.GetAsync("/api/items?page=two"), HttpStatusCode.BadRequest);
        Assert.Contains("page", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task GetItem_EncodedId_ReturnsItemWithMetadata()
    {
        var (id, label) = _catalog.Items[0];
        var item = await _client.GetFromJsonAsync<JsonElement>(ItemPath(id));
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal(label, item.GetProperty("metadata").GetProperty("class").GetString());
        Assert.Equal(64, item.GetProperty("contentHash").GetString()!.Length);
    }

    [Fact]
    public async Task GetItem_UnencodedId_SameItem()
    {
        var (id, _) = _catalog.Items[1];
        Assert.Contains('/', id);
        var item = await _client.GetFromJsonAsync<JsonElement>("/api/items/" + id);
        Assert.Equal(id, item.GetProperty("id").GetString());
    }

    [Fact]
    public async Task GetItem_Unknown_404NamingIt()
    {
        var problem = await Problems.AssertAsync(await _client.GetAsync(ItemPath("images/no-such-photo.jpg")), HttpStatusCode.NotFound, "NotFound");
        Assert.Contains("images/no-such-photo.jpg", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/api/items/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/api/items/..%2F..%2Fetc%2Fpasswd/image")]
    [InlineData("/api/items/images%2F..%2F..%2Fcatalog.db/thumbnail")]
    [InlineData("/api/items/%2Fetc%2Fpasswd/image")]
    [InlineData("/api/items/images%5C..%5Csecret.jpg/similar")]
    [InlineData("/api/items/images%2F%2Fx.jpg")]
    [InlineData("/api/items/a%01b.jpg")]
    public async Task PathTraversalIds_400InvalidId(string url)
    {
        var problem = await Problems.AssertAsync(await _client.GetAsync(url), HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Contains("Invalid item id", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task DotSegmentsInPath_NeverServeAFileOutsideTheCatalog()
    {
        foreach (string url in new[] { "/api/items/../../etc/passwd", "/api/items/images/../../../etc/passwd/image", "/api/items/%2e%2e/%2e%2e/etc/passwd/image" })
        {
            using var response = await _client.GetAsync(url);
            Assert.True((int)response.StatusCode is >= 400 and < 500, $"{url}: {(int)response.StatusCode}");
            Assert.NotEqual("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task GetImage_ServesTheStoredBytesWithSniffedType()
    {
        var (id, _) = _catalog.Items[2];
        using var response = await _client.GetAsync(ItemPath(id) + "/image");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(_catalog.Folder, id)), await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task GetThumbnail_JpegWithinSize_ThenNotModifiedByETag()
    {
        var (id, _) = _catalog.Items[3];
        using var response = await _client.GetAsync(ItemPath(id) + "/thumbnail?size=64");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        var image = LookalikeDecode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(64, Math.Max(image.Width, image.Height));
        var etag = response.Headers.ETag;
        Assert.NotNull(etag);

        using var again = new HttpRequestMessage(HttpMethod.Get, ItemPath(id) + "/thumbnail?size=64");
        again.Headers.IfNoneMatch.Add(etag);
        using var cached = await _client.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
    }

    [Fact]
    public async Task GetThumbnail_MadeOnce_ThenFromMemory_AndKeptOnDisk()
    {
        var (id, _) = _catalog.Items[8];
        var thumbnails = fixture.Factory.Services.GetRequiredService<ServerCatalog>().Thumbnails;
        byte[] first = await _client.GetByteArrayAsync(ItemPath(id) + "/thumbnail?size=128");
        var before = thumbnails.Hits;
        byte[] second = await _client.GetByteArrayAsync(ItemPath(id) + "/thumbnail?size=128");
        var after = thumbnails.Hits;
        Assert.Equal(first, second);
        Assert.Equal(before.Made, after.Made);
        Assert.Equal(before.Memory + 1, after.Memory);
        var item = await _client.GetFromJsonAsync<JsonElement>(ItemPath(id));
        string hash = item.GetProperty("contentHash").GetString()!;
        Assert.Equal(first, await File.ReadAllBytesAsync(Path.Combine(_catalog.Store, "cache", "thumbnails", "128", hash[..2], hash + ".jpg")));
    }

    [Fact]
    public async Task GetThumbnail_VersionedUrl_CachedForGood()
    {
        var item = await _client.GetFromJsonAsync<JsonElement>(ItemPath(_catalog.Items[4].Id));
        string hash = item.GetProperty("contentHash").GetString()!;
        using var response = await _client.GetAsync(ItemPath(_catalog.Items[4].Id) + $"/thumbnail?v={hash[..12]}");
        Assert.Contains("immutable", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("size=8")]
    [InlineData("size=5000")]
    public async Task GetThumbnail_SizeOutOfRange_400(string query)
    {
        var problem = await Problems.AssertAsync(await _client.GetAsync(ItemPath(_catalog.Items[0].Id) + "/thumbnail?" + query), HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("size", problem.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Similar_HasCliJsonShapeWithoutServerPaths_BestFirst_SelfExcluded()
    {
        var (id, label) = _catalog.Items[5];
        using var response = await _client.GetAsync(ItemPath(id) + "/similar?k=5");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(["query", "results"], root.EnumerateObject().Select(p => p.Name));
        var query = root.GetProperty("query");
        Assert.Equal("item", query.GetProperty("kind").GetString());
        Assert.Equal(id, query.GetProperty("id").GetString());
        Assert.Equal(label, query.GetProperty("metadata").GetProperty("class").GetString());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.Equal(["rank", "id", "score", "metadata"], r.EnumerateObject().Select(p => p.Name)));
        Assert.Equal([1, 2, 3, 4, 5], results.Select(r => r.GetProperty("rank").GetInt32()));
        var scores = results.Select(r => r.GetProperty("score").GetSingle()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.All(scores, s => Assert.InRange(s, -1f, 1.0001f));
        Assert.DoesNotContain(results, r => r.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Similar_SameClassFarAboveChance_OnRealPhotos()
    {
        // Retrieval quality through the API (Hosting.Tests measures it properly): over every item, the top 3 share its
        // class far more often than chance, which is 3 of the 39 others.
        int same = 0, total = 0;
        foreach (var (id, label) in _catalog.Items)
        {
            var result = await _client.GetFromJsonAsync<JsonElement>(ItemPath(id) + "/similar?k=3");
            foreach (var r in result.GetProperty("results").EnumerateArray())
            {
                total++;
                if (r.GetProperty("metadata").GetProperty("class").GetString() == label) same++;
            }
        }
        double chance = 3.0 / 39;
        // Measured 31 of 120 (0.258, 3.4× chance) with the default model; floor = measured − 4.
        Assert.Equal(120, total);
        Assert.True(same >= 27, $"{same}/{total} look-alikes share the query's class; chance is {chance:0.000}");
    }

    [Fact]
    public async Task Similar_Where_OnlyThatClass()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>(ItemPath(_catalog.Items[0].Id) + "/similar?k=10&where=class:dress");
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.InRange(results.Count, 3, 4); // 4 dresses, minus the query when it is one
        Assert.All(results, r => Assert.Equal("dress", r.GetProperty("metadata").GetProperty("class").GetString()));
    }

    [Fact]
    public async Task Similar_DefaultK_Is10()
    {
        var body = await _client.GetFromJsonAsync<JsonElement>(ItemPath(_catalog.Items[0].Id) + "/similar");
        Assert.Equal(10, body.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task Similar_UnencodedId_SameAnswer()
    {
        var id = _catalog.Items[6].Id;
        var encoded = await _client.GetStringAsync(ItemPath(id) + "/similar?k=3");
        var plain = await _client.GetStringAsync("/api/items/" + id + "/similar?k=3");
        Assert.Equal(encoded, plain);
    }

    [Theory]
    [InlineData("k=0")]
    [InlineData("k=-3")]
    [InlineData("k=101")]
    [InlineData("k=1000000")]
    [InlineData("k=abc")]
    [InlineData("k=99999999999999999999")]
    public async Task Similar_KOutOfRange_400(string query)
    {
        var problem = await Problems.AssertAsync(await _client.GetAsync(ItemPath(_catalog.Items[0].Id) + "/similar?" + query), HttpStatusCode.BadRequest);
        Assert.Contains("k", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("where=class")]
    [InlineData("where=class:")]
    [InlineData("where=nosuchcolumn:x")]
    public async Task Similar_MalformedWhere_400(string query)
    {
        var problem = await Problems.AssertAsync(await _client.GetAsync(ItemPath(_catalog.Items[0].Id) + "/similar?" + query), HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("where", problem.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Similar_UnknownItem_404()
    {
        await Problems.AssertAsync(await _client.GetAsync(ItemPath("images/missing.jpg") + "/similar"), HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task UnknownRoute_404Problem()
    {
        await Problems.AssertAsync(await _client.GetAsync("/api/nothing-here"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task WrongMethod_405Problem()
    {
        await Problems.AssertAsync(await _client.PutAsync("/api/search", new StringContent("x")), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task OpenApi_DescribesEveryRoute()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string>
        {
            "/health", "/ready", "/api/info", "/api/items", "/api/items/{id}", "/api/items/{id}/image",
            "/api/items/{id}/thumbnail", "/api/items/{id}/similar", "/api/search",
        }, paths);
        Assert.True(document.GetProperty("paths").GetProperty("/api/items").TryGetProperty("post", out _));
        Assert.True(document.GetProperty("paths").GetProperty("/api/items/{id}").TryGetProperty("delete", out _));
    }

    [Fact]
    public async Task Page_ServedAtRoot_WithItsScriptAndStyle()
    {
        string html = await _client.GetStringAsync("/");
        Assert.Contains("<title>Lookalike", html);
        using var script = await _client.GetAsync("/app.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        using var style = await _client.GetAsync("/app.css");
        Assert.Equal(HttpStatusCode.OK, style.StatusCode);
        using var page = await _client.GetAsync("/");
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
    }

    private static Lookalike.Core.Imaging.DecodedImage LookalikeDecode(byte[] jpeg) =>
        Lookalike.Hosting.LookalikeComponents.CreateDecoder().Decode(jpeg, "thumbnail.jpg");
}
