using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using HostedLookalike;
using Lookalike.Core.Embedding;
using Lookalike.Server.Tests.Support;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Lookalike.Server.Tests;

/// <summary>
/// samples/HostedLookalike, a shop's own app doing <c>AddLookalike</c> + <c>MapLookalike</c>, over a real store: its own
/// endpoint and Lookalike's API answer side by side, and its option override applies.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostedSampleTests(ApiFixture fixture)
{
    [Fact]
    public async Task HostedSample_SimilarRequest_AnsweredBesideTheShopsOwnEndpoint()
    {
        using var factory = new ShopFactory(fixture.Catalog.Store);
        using var client = factory.CreateClient();

        Assert.StartsWith("A shop with look-alikes", await client.GetStringAsync("/shop/hello"), StringComparison.Ordinal);

        string id = fixture.Catalog.Items[0].Id;
        var body = await client.GetFromJsonAsync<JsonElement>(ApiFixture.ItemPath(id) + "/similar?k=3");
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.DoesNotContain(results, r => r.GetProperty("id").GetString() == id);
        // The same answer as the stand-alone server (lookalike serve) over the same store: ids, order and scores.
        var served = await fixture.Client.GetFromJsonAsync<JsonElement>(ApiFixture.ItemPath(id) + "/similar?k=3");
        Assert.Equal(
            served.GetProperty("results").EnumerateArray().Select(r => (r.GetProperty("id").GetString(), r.GetProperty("score").GetSingle())),
            results.Select(r => (r.GetProperty("id").GetString(), r.GetProperty("score").GetSingle())));

        // The sample caps k at 50 (its AddLookalike override): 51 is a named 400.
        using var tooMany = await client.GetAsync(ApiFixture.ItemPath(id) + "/similar?k=51");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
    }

    private sealed class ShopFactory(string store) : WebApplicationFactory<ShopHost>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Lookalike:Store", store);
            builder.ConfigureTestServices(services => services.AddSingleton<IImageEmbedder>(SharedModel.Embedder));
        }
    }
}
