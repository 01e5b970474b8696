using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lookalike.Server.Tests.Support;
using static Lookalike.Server.Tests.Support.ApiFixture;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary>
/// <c>POST /api/items</c> and <c>DELETE /api/items/{id}</c> change what the next query sees, without a restart, and
/// survive one. Each test gets its own store (2 photos per class).
/// </summary>
public sealed class CatalogEditTests : IDisposable
{
    private readonly SampleCatalog _catalog = SampleCatalog.Build(perClass: 2);
    private readonly LookalikeFactory _factory;
    private readonly HttpClient _client;

    public CatalogEditTests()
    {
        _factory = new LookalikeFactory(_catalog.Store);
        _client = _factory.CreateClient();
    }

    public void Dispose()
    {
        _client.Dispose();
        _factory.Dispose();
        _catalog.Dispose();
    }

    [Fact]
    public async Task AddItem_Upload_VisibleToNextQueries()
    {
        var (path, label) = _catalog.Outside[3];
        byte[] bytes = await File.ReadAllBytesAsync(path);
        using var response = await _client.PostAsync("/api/items", UploadForm.Image(bytes, "mine.jpg", ("class", label), ("metadata", "{\"source\":\"test\"}")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var item = await response.Content.ReadFromJsonAsync<JsonElement>();
        string id = item.GetProperty("id").GetString()!;
        Assert.Matches("^uploads/[0-9a-f]{16}\\.jpg$", id);
        Assert.Equal(ItemPath(id), response.Headers.Location?.OriginalString);
        Assert.Equal(label, item.GetProperty("metadata").GetProperty("class").GetString());
        Assert.Equal("test", item.GetProperty("metadata").GetProperty("source").GetString());

        // The photo is kept in the store folder, byte for byte.
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(_catalog.Store, id)));
        // Listed, fetchable, thumbnailed, and found by the same photo as its best match.
        var listed = await _client.GetFromJsonAsync<JsonElement>($"/api/items?where=class:{label}&pageSize=200");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetString() == id);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(ItemPath(id) + "/thumbnail")).StatusCode);
        Assert.Equal(bytes, await _client.GetByteArrayAsync(ItemPath(id) + "/image"));
        using var search = await _client.PostAsync("/api/search", UploadForm.Image(bytes, "again.jpg", ("k", "1")));
        var top = (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0];
        Assert.Equal(id, top.GetProperty("id").GetString());
        // And it has look-alikes of its own.
        var similar = await _client.GetFromJsonAsync<JsonElement>(ItemPath(id) + "/similar?k=3");
        Assert.Equal(3, similar.GetProperty("results").GetArrayLength());
    }

    [Fact]
    public async Task AddItem_SameBytesTwice_OneItemMetadataReplaced()
    {
        byte[] bytes = await File.ReadAllBytesAsync(_catalog.Outside[4].Path);
        using var first = await _client.PostAsync("/api/items", UploadForm.Image(bytes, "a.jpg", ("class", "one")));
        using var second = await _client.PostAsync("/api/items", UploadForm.Image(bytes, "b.jpg", ("class", "two")));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var info = await _client.GetFromJsonAsync<JsonElement>("/api/info");
        Assert.Equal(21, info.GetProperty("items").GetInt32());
        var item = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("two", item.GetProperty("metadata").GetProperty("class").GetString());
    }

    [Fact]
    public async Task DeleteItem_GoneFromNextQueries_UploadFileDeleted()
    {
        byte[] bytes = await File.ReadAllBytesAsync(_catalog.Outside[5].Path);
        using var created = await _client.PostAsync("/api/items", UploadForm.Image(bytes, "x.jpg"));
        string id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        string file = Path.Combine(_catalog.Store, id);
        Assert.True(File.Exists(file));

        using var deleted = await _client.DeleteAsync(ItemPath(id));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(File.Exists(file));
        await Problems.AssertAsync(await _client.GetAsync(ItemPath(id)), HttpStatusCode.NotFound, "NotFound");
        using var search = await _client.PostAsync("/api/search", UploadForm.Image(bytes, "again.jpg", ("k", "20")));
        var results = (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray();
        Assert.DoesNotContain(results, r => r.GetProperty("id").GetString() == id);
        await Problems.AssertAsync(await _client.DeleteAsync(ItemPath(id)), HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task DeleteItem_IndexedPhoto_RemovedFromCatalogButFileKept()
    {
        var (id, _) = _catalog.Items[0];
        string file = Path.Combine(_catalog.Folder, id);
        using var deleted = await _client.DeleteAsync("/api/items/" + id); // unencoded form works too
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.True(File.Exists(file), "a photo of the indexed folder must never be deleted");
        var info = await _client.GetFromJsonAsync<JsonElement>("/api/info");
        Assert.Equal(19, info.GetProperty("items").GetInt32());
        var similar = await _client.GetFromJsonAsync<JsonElement>(ItemPath(_catalog.Items[1].Id) + "/similar?k=100");
        Assert.DoesNotContain(similar.GetProperty("results").EnumerateArray(), r => r.GetProperty("id").GetString() == id);
    }

    [Fact]
    public async Task Edits_PersistInTheStore_AfterRestart()
    {
        byte[] bytes = await File.ReadAllBytesAsync(_catalog.Outside[6].Path);
        using var created = await _client.PostAsync("/api/items", UploadForm.Image(bytes, "keep.jpg", ("class", "kept")));
        string added = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        string removed = _catalog.Items[2].Id;
        (await _client.DeleteAsync(ItemPath(removed))).Dispose();

        using var restarted = new LookalikeFactory(_catalog.Store);
        using var client = restarted.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ItemPath(added))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(ItemPath(removed))).StatusCode);
    }

    [Theory]
    [InlineData("text", "not an image at all")]
    [InlineData("bomb", "")]
    public async Task AddItem_BadPhoto_4xxAndNothingWritten(string kind, string text)
    {
        byte[] bytes = kind == "bomb" ? TestImages.GifBomb() : System.Text.Encoding.UTF8.GetBytes(text);
        using var response = await _client.PostAsync("/api/items", UploadForm.Image(bytes, "bad.jpg"));
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.False(Directory.Exists(Path.Combine(_catalog.Store, "uploads")) && Directory.EnumerateFiles(Path.Combine(_catalog.Store, "uploads")).Any());
        var info = await _client.GetFromJsonAsync<JsonElement>("/api/info");
        Assert.Equal(20, info.GetProperty("items").GetInt32());
    }

    [Theory]
    [InlineData("{\"class\": 3}")]
    [InlineData("[1,2]")]
    [InlineData("not json")]
    public async Task AddItem_MalformedMetadata_400(string metadata)
    {
        byte[] bytes = await File.ReadAllBytesAsync(_catalog.Outside[7].Path);
        var problem = await Problems.AssertAsync(
            await _client.PostAsync("/api/items", UploadForm.Image(bytes, "x.jpg", ("metadata", metadata))), HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("metadata", problem.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task AddItem_OverLongMetadataValue_400()
    {
        byte[] bytes = await File.ReadAllBytesAsync(_catalog.Outside[7].Path);
        await Problems.AssertAsync(
            await _client.PostAsync("/api/items", UploadForm.Image(bytes, "x.jpg", ("class", new string('x', 600)))), HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Fact]
    public async Task Writes_WithApiKeyConfigured_Need401OrTheKey()
    {
        using var guarded = new LookalikeFactory(_catalog.Store, o => o.ApiKey = "s3cret-key");
        using var client = guarded.CreateClient();
        byte[] bytes = await File.ReadAllBytesAsync(_catalog.Outside[8].Path);

        await Problems.AssertAsync(await client.PostAsync("/api/items", UploadForm.Image(bytes, "x.jpg")), HttpStatusCode.Unauthorized);
        await Problems.AssertAsync(await client.DeleteAsync(ItemPath(_catalog.Items[3].Id)), HttpStatusCode.Unauthorized);
        using (var wrong = new HttpRequestMessage(HttpMethod.Delete, ItemPath(_catalog.Items[3].Id)))
        {
            wrong.Headers.Add("X-Api-Key", "s3cret-kez");
            await Problems.AssertAsync(await client.SendAsync(wrong), HttpStatusCode.Unauthorized);
        }
        // Reads stay open.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ItemPath(_catalog.Items[3].Id) + "/similar")).StatusCode);
        var info = await client.GetFromJsonAsync<JsonElement>("/api/info");
        Assert.True(info.GetProperty("limits").GetProperty("writesNeedApiKey").GetBoolean());

        using var right = new HttpRequestMessage(HttpMethod.Delete, ItemPath(_catalog.Items[3].Id));
        right.Headers.Add("X-Api-Key", "s3cret-key");
        Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(right)).StatusCode);
    }

    [Fact]
    public async Task Upload_ConfiguredLimit_413AboveIt()
    {
        using var small = new LookalikeFactory(_catalog.Store, o => o.MaxUploadBytes = 4096);
        using var client = small.CreateClient();
        byte[] bytes = await File.ReadAllBytesAsync(_catalog.Outside[0].Path);
        Assert.True(bytes.Length > 4096);
        await Problems.AssertAsync(await client.PostAsync("/api/search", UploadForm.Image(bytes, "x.jpg")), HttpStatusCode.RequestEntityTooLarge, "ImageTooLarge");
    }
}
