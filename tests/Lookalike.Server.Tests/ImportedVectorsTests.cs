using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lookalike.Hosting;
using Lookalike.Hosting.Catalog;
using Lookalike.Server.Tests.Support;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary>
/// A store of vectors computed elsewhere (<c>vectors import|synth</c>) is served: look-alikes by id work, photo search
/// answers 409 because the server cannot compute that model's vectors, and the server still starts.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ImportedVectorsTests(ApiFixture fixture)
{
    [Fact]
    public async Task ImportedVectorsStore_SimilarById_PhotoSearch409()
    {
        using var folder = new TempDirectory();
        using (var store = LookalikeComponents.OpenStore(folder.Path, create: true))
            VectorImporter.Synthesize(store, count: 300, dimension: 64, clusters: 10, seed: 5);
        using var factory = new LookalikeFactory(folder.Path);
        using var client = factory.CreateClient();

        using var similar = await client.GetAsync("/api/items/synthetic%2F0000007/similar?k=5");
        Assert.Equal(HttpStatusCode.OK, similar.StatusCode);
        var body = await similar.Content.ReadFromJsonAsync<JsonElement>();
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(5, results.Count);
        Assert.DoesNotContain(results, r => r.GetProperty("id").GetString() == "synthetic/0000007");
        Assert.True(results[0].GetProperty("score").GetSingle() >= results[^1].GetProperty("score").GetSingle());

        byte[] photo = await File.ReadAllBytesAsync(fixture.Catalog.Outside[0].Path);
        using var search = await client.PostAsync("/api/search", UploadForm.Image(photo, "x.jpg"));
        var problem = await Problems.AssertAsync(search, HttpStatusCode.Conflict, "ModelMismatch");
        Assert.Contains("synthetic@", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
