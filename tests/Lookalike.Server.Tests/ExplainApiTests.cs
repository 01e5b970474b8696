using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lookalike.Server.Tests.Support;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary><c>GET /api/items/{a}/explain/{b}</c>, <c>POST /api/explain</c> and <c>box=</c> on searches, over a real store.</summary>
[Collection(ApiCollection.Name)]
public sealed class ExplainApiTests(ApiFixture fixture)
{
    private readonly HttpClient _client = fixture.Client;
    private readonly SampleCatalog _catalog = fixture.Catalog;

    [Fact]
    public async Task ExplainItems_TwoCatalogItems_GridsSumToTheSimilarScore()
    {
        var (a, _) = _catalog.Items[0];
        var similar = await _client.GetFromJsonAsync<JsonElement>(ApiFixture.ItemPath(a) + "/similar?k=1");
        var top = similar.GetProperty("results")[0];
        string b = top.GetProperty("id").GetString()!;

        using var response = await _client.GetAsync(ApiFixture.ItemPath(a) + "/explain/" + Uri.EscapeDataString(b));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = await response.Content.ReadFromJsonAsync<JsonElement>();
        double score = e.GetProperty("score").GetDouble();
        Assert.Equal(top.GetProperty("score").GetDouble(), score, 1e-4);
        Assert.Equal("exact", e.GetProperty("method").GetString());
        foreach (string side in new[] { "query", "result" })
        {
            var photo = e.GetProperty(side);
            Assert.Equal(7, photo.GetProperty("rows").GetInt32());
            Assert.Equal(7, photo.GetProperty("cols").GetInt32());
            var grid = photo.GetProperty("grid").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetDouble()).ToList()).ToList();
            Assert.Equal(7, grid.Count);
            Assert.Equal(score, grid.Sum(r => r.Sum()), 1e-4);
            Assert.True(photo.GetProperty("area").GetProperty("width").GetDouble() > 0);
            Assert.Matches("^#[0-9a-f]{6}$", photo.GetProperty("colours")[0].GetProperty("hex").GetString());
        }
        Assert.Equal(a, e.GetProperty("query").GetProperty("id").GetString());
        Assert.Equal(b, e.GetProperty("result").GetProperty("id").GetString());
        Assert.Equal("class", e.GetProperty("metadata")[0].GetProperty("column").GetString());
    }

    [Fact]
    public async Task ExplainImage_Upload_ExplainsTheResult()
    {
        var (path, _) = _catalog.Outside[0];
        byte[] photo = await File.ReadAllBytesAsync(path);
        var search = await (await _client.PostAsync("/api/search", UploadForm.Image(photo, "photo.jpg", ("k", "2")))).Content.ReadFromJsonAsync<JsonElement>();
        var hit = search.GetProperty("results")[1];
        using var response = await _client.PostAsync("/api/explain", UploadForm.Image(photo, "photo.jpg", ("id", hit.GetProperty("id").GetString()!)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var e = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(hit.GetProperty("score").GetDouble(), e.GetProperty("score").GetDouble(), 1e-4);
        Assert.False(e.GetProperty("query").TryGetProperty("id", out _));
        Assert.Equal(0, e.GetProperty("metadata").GetArrayLength());
    }

    [Fact]
    public async Task Search_BoxFrac_SearchesThatPartAndSaysSo()
    {
        var (path, _) = _catalog.Outside[2];
        byte[] photo = await File.ReadAllBytesAsync(path);
        using var whole = await _client.PostAsync("/api/search", UploadForm.Image(photo, "p.jpg", ("k", "5")));
        using var boxed = await _client.PostAsync("/api/search", UploadForm.Image(photo, "p.jpg", ("k", "5"), ("box-frac", "0,0,0.5,0.5")));
        Assert.Equal(HttpStatusCode.OK, boxed.StatusCode);
        var boxedRoot = await boxed.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("0,0,0.5,0.5 (fractions)", boxedRoot.GetProperty("query").GetProperty("box").GetString());
        Assert.NotEqual(Ids(await whole.Content.ReadFromJsonAsync<JsonElement>()), Ids(boxedRoot));
    }

    [Fact]
    public async Task ItemSimilar_Box_ExcludesTheItem()
    {
        var (a, _) = _catalog.Items[3];
        using var response = await _client.GetAsync(ApiFixture.ItemPath(a) + "/similar?k=5&box-frac=0.1,0.1,0.6,0.6");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(a, Ids(root));
        Assert.Equal(5, Ids(root).Count);
    }

    [Theory]
    [InlineData("box", "0,0,99999,50", "outside")]
    [InlineData("box", "5,5,0,40", "empty")]
    [InlineData("box", "5,5,4,4", "too small")]
    [InlineData("box-frac", "0.8,0.8,0.5,0.1", "outside")]
    [InlineData("box", "a,b,c,d", "four numbers")]
    public async Task Search_BadBox_400NamingTheBox(string field, string value, string why)
    {
        var (path, _) = _catalog.Outside[0];
        var problem = await Problems.AssertAsync(
            await _client.PostAsync("/api/search", UploadForm.Image(await File.ReadAllBytesAsync(path), "p.jpg", (field, value))),
            HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("box", problem.GetProperty("subject").GetString());
        Assert.Contains(why, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ExplainItems_UnknownResult_404NamingIt()
    {
        var (a, _) = _catalog.Items[0];
        var problem = await Problems.AssertAsync(await _client.GetAsync(ApiFixture.ItemPath(a) + "/explain/" + Uri.EscapeDataString("images/nope.jpg")), HttpStatusCode.NotFound, "NotFound");
        Assert.Equal("images/nope.jpg", problem.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task ExplainImage_NoId_400NamingTheField()
    {
        var (path, _) = _catalog.Outside[0];
        var problem = await Problems.AssertAsync(await _client.PostAsync("/api/explain", UploadForm.Image(await File.ReadAllBytesAsync(path), "p.jpg")), HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("id", problem.GetProperty("subject").GetString());
    }

    private static List<string> Ids(JsonElement root) => root.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
}
