using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Lookalike.Server.Tests.Support;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary><c>POST /api/search</c>: outside photos, and every kind of bad upload answered with a 4xx problem.</summary>
[Collection(ApiCollection.Name)]
public sealed class SearchApiTests(ApiFixture fixture)
{
    private readonly HttpClient _client = fixture.Client;
    private readonly SampleCatalog _catalog = fixture.Catalog;

    [Fact]
    public async Task Search_OutsidePhoto_KResultsBestFirst()
    {
        var (path, _) = _catalog.Outside[0];
        using var response = await _client.PostAsync("/api/search", UploadForm.Image(await File.ReadAllBytesAsync(path), "photo.jpg", ("k", "7")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("image", root.GetProperty("query").GetProperty("kind").GetString());
        Assert.Equal("photo.jpg", root.GetProperty("query").GetProperty("path").GetString());
        var scores = root.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("score").GetSingle()).ToList();
        Assert.Equal(7, scores.Count);
        Assert.Equal(scores.OrderByDescending(s => s), scores);
    }

    [Fact]
    public async Task Search_CatalogPhotoReencodedAsPng_FindsItselfFirst()
    {
        var (id, _) = _catalog.Items[7];
        var decoder = Lookalike.Hosting.LookalikeComponents.CreateDecoder();
        var image = decoder.Decode(await File.ReadAllBytesAsync(Path.Combine(_catalog.Folder, id)), id);
        byte[] png = TestImages.Png(image);
        using var response = await _client.PostAsync("/api/search", UploadForm.Image(png, "same.png", ("k", "3")));
        var top = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0];
        Assert.Equal(id, top.GetProperty("id").GetString());
        Assert.True(top.GetProperty("score").GetSingle() > 0.95f);
    }

    [Fact]
    public async Task Search_WhereAndKInQueryString_Applied()
    {
        var (path, _) = _catalog.Outside[1];
        using var response = await _client.PostAsync("/api/search?k=2&where=class:hat", UploadForm.Image(await File.ReadAllBytesAsync(path), "x.jpg"));
        var results = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal("hat", r.GetProperty("metadata").GetProperty("class").GetString()));
    }

    [Fact]
    public async Task Search_TextFileNamedJpg_415NotAnImage()
    {
        var problem = await Problems.AssertAsync(
            await _client.PostAsync("/api/search", UploadForm.Image("just some text, not a photo"u8.ToArray(), "holiday.jpg")),
            HttpStatusCode.UnsupportedMediaType, "UnsupportedImage");
        Assert.Contains("holiday.jpg", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Search_HtmlWithImageContentType_415()
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("<html><script>alert(1)</script></html>"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg"); // lies: content is sniffed
        form.Add(file, "image", "x.jpg");
        await Problems.AssertAsync(await _client.PostAsync("/api/search", form), HttpStatusCode.UnsupportedMediaType, "UnsupportedImage");
    }

    [Fact]
    public async Task Search_EmptyFile_415()
    {
        await Problems.AssertAsync(await _client.PostAsync("/api/search", UploadForm.Image([], "empty.jpg")), HttpStatusCode.UnsupportedMediaType, "UnsupportedImage");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    public async Task Search_TruncatedJpeg_422Damaged(double keep)
    {
        byte[] bytes = await File.ReadAllBytesAsync(_catalog.Outside[2].Path);
        var problem = await Problems.AssertAsync(
            await _client.PostAsync("/api/search", UploadForm.Image(bytes[..(int)(bytes.Length * keep)], "cut.jpg")),
            HttpStatusCode.UnprocessableEntity, "CorruptImage");
        Assert.Contains("cut.jpg", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Search_DecompressionBomb_413TooLarge()
    {
        var problem = await Problems.AssertAsync(
            await _client.PostAsync("/api/search", UploadForm.Image(TestImages.GifBomb(), "bomb.gif")),
            HttpStatusCode.RequestEntityTooLarge, "ImageTooLarge");
        Assert.Contains("bomb.gif", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Search_UploadOverDefaultLimit_413()
    {
        // 20 MiB + 1 byte that starts like a JPEG: rejected on size before any decoding.
        var bytes = new byte[20 * 1024 * 1024 + 1];
        bytes[0] = 0xFF; bytes[1] = 0xD8; bytes[2] = 0xFF;
        var problem = await Problems.AssertAsync(await _client.PostAsync("/api/search", UploadForm.Image(bytes, "huge.jpg")), HttpStatusCode.RequestEntityTooLarge, "ImageTooLarge");
        Assert.Contains("20 MiB", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Search_NoImageField_400NamingTheField()
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "photo", "x.jpg" } };
        var problem = await Problems.AssertAsync(await _client.PostAsync("/api/search", form), HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Contains("'image'", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Search_JsonBody_415SayingWhatToSend()
    {
        var problem = await Problems.AssertAsync(await _client.PostAsync("/api/search", JsonContent.Create(new { image = "x" })), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("multipart/form-data", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Search_MalformedMultipart_400()
    {
        var content = new StringContent("--b\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.jpg\"\r\n\r\nabc");
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        using var response = await _client.PostAsync("/api/search", content);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    public async Task Search_KOutOfRange_400BeforeEmbedding(string k)
    {
        var problem = await Problems.AssertAsync(
            await _client.PostAsync("/api/search", UploadForm.Image(await File.ReadAllBytesAsync(_catalog.Outside[0].Path), "x.jpg", ("k", k))),
            HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("k", problem.GetProperty("subject").GetString());
    }

    [Theory]
    [InlineData("class")]
    [InlineData("colour:red")]
    public async Task Search_MalformedWhere_400(string where)
    {
        var problem = await Problems.AssertAsync(
            await _client.PostAsync("/api/search", UploadForm.Image(await File.ReadAllBytesAsync(_catalog.Outside[0].Path), "x.jpg", ("where", where))),
            HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("where", problem.GetProperty("subject").GetString());
    }
}
