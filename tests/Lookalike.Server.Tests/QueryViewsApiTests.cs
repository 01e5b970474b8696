using System.Net.Http.Json;
using System.Numerics.Tensors;
using System.Text.Json;
using Lookalike.Core.Embedding;
using Lookalike.Hosting;
using Lookalike.Hosting.Evaluation;
using Lookalike.Server.Tests.Support;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary>
/// A store's query views (<c>lookalike config --query-views</c>) on the real server over Kestrel: uploads to
/// <c>POST /api/search</c> are embedded through the recorded views, item queries and uploaded items are not, and
/// <c>full</c> (the default) answers exactly as a store without the setting.
/// </summary>
public sealed class QueryViewsApiTests : IDisposable
{
    private readonly SampleCatalog _catalog = SampleCatalog.Build(perClass: 2);

    public void Dispose() => _catalog.Dispose();

    private async Task<(string Views, List<(string Id, float Score)> Upload, List<string> ItemQuery)> AskAsync(string photo)
    {
        await using var server = await KestrelApp.StartAsync(_catalog.Store);
        using var client = server.Client();
        var info = await client.GetFromJsonAsync<JsonElement>(new Uri(server.BaseUrl + "/api/info"));
        using var response = await client.PostAsync(new Uri(server.BaseUrl + "/api/search"), UploadForm.Image(await File.ReadAllBytesAsync(photo), "shopper.jpg", ("k", "5")));
        response.EnsureSuccessStatusCode();
        var upload = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("id").GetString()!, r.GetProperty("score").GetSingle())).ToList();
        string item = _catalog.Items[0].Id; // unencoded ids are routed as such
        var byItem = (await client.GetFromJsonAsync<JsonElement>(new Uri($"{server.BaseUrl}/api/items/{item}/similar?k=5"))).GetProperty("results").EnumerateArray()
            .Select(r => r.GetProperty("id").GetString()!).ToList();
        return (info.GetProperty("queryViews").GetString()!, upload, byItem);
    }

    private void SetViews(string views)
    {
        using var store = LookalikeComponents.OpenStore(_catalog.Store, create: false);
        store.SetQueryViews(QueryViews.Parse(views));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Upload_StoreWithFullZoom_AnsweredThroughBothViews_FullIsTheDefault()
    {
        string photo = _catalog.Outside[0].Path;
        var plain = await AskAsync(photo);
        Assert.Equal("full", plain.Views);

        SetViews("full+zoom");
        var viewed = await AskAsync(photo);
        Assert.Equal("full+zoom", viewed.Views);
        Assert.Equal(plain.ItemQuery, viewed.ItemQuery); // item queries use the stored vectors, never the views

        // The expected answer, computed apart from the server: the mean of the whole photo's and the centre zoom's unit
        // vectors, re-normalised, against every stored vector.
        using var reader = LookalikeComponents.CreateFeatureMapReader(SharedModel.Embedder.Model);
        float[] query = new QueryViewEmbedder(reader, LookalikeComponents.CreateDecoder()).Embed(await File.ReadAllBytesAsync(photo), "shopper.jpg", [QueryViews.Parse("full+zoom")])[0][0];
        using var store = LookalikeComponents.OpenStore(_catalog.Store, create: false);
        var expected = store.ReadAll(withVectors: true)
            .Select(i => (Id: i.Id.Value, Score: TensorPrimitives.Dot(query, i.Vector.Span)))
            .OrderByDescending(x => x.Score).ThenBy(x => x.Id, StringComparer.Ordinal).Take(5).ToList();
        Assert.Equal(expected.Select(e => e.Id), viewed.Upload.Select(u => u.Id));
        Assert.All(expected.Zip(viewed.Upload), p => Assert.Equal(p.First.Score, p.Second.Score, 4));
        // …and it is not the whole-photo answer: the zoom moved the query.
        Assert.NotEqual(plain.Upload.Select(u => u.Score), viewed.Upload.Select(u => u.Score));
        Assert.True(Math.Abs(plain.Upload[0].Score - viewed.Upload[0].Score) > 1e-3, $"top score {plain.Upload[0].Score} vs {viewed.Upload[0].Score}");

        SetViews("full");
        var back = await AskAsync(photo);
        Assert.Equal("full", back.Views);
        Assert.Equal(plain.Upload.Select(u => u.Id), back.Upload.Select(u => u.Id));
        Assert.All(plain.Upload.Zip(back.Upload), p => Assert.Equal(p.First.Score, p.Second.Score, 5));
    }
}
