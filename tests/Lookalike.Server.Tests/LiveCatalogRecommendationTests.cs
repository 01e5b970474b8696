using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lookalike.Server.Tests.Support;
using static Lookalike.Server.Tests.Support.ApiFixture;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests;

/// <summary>
/// Items added with <c>POST /api/items</c> while the server runs take feedback and are recommended (visually too);
/// items removed with <c>DELETE</c> are never recommended again, by any strategy. Real Kestrel, no restart.
/// </summary>
[Collection(OpenServerCollection.Name)]
public sealed class LiveCatalogRecommendationTests(OpenServerFixture fixture)
{
    private static readonly string[] Strategies = ["popular", "visual", "visualknn", "itemknn", "userknn", "hybrid"];

    [Fact]
    public async Task AddedItem_Liked_StoredAndRecommendationsAnswerWithItsLookAlikes()
    {
        using var client = fixture.Server.Client();
        // Feedback resolved before the upload: the service has seen the catalog without the new item.
        await PostAsync(client, "live-warm", new { kind = "view", item = fixture.Catalog.Items[0].Id });
        string id = await AddAsync(client, fixture.UnusedPhoto("shoes", 0));

        using (var liked = await client.PostAsJsonAsync("/api/users/live-liker/feedback", new { kind = "like", item = id }))
        {
            string text = await liked.Content.ReadAsStringAsync();
            Assert.True(liked.StatusCode == HttpStatusCode.OK, $"like of a new item: {(int)liked.StatusCode} {text}");
            Assert.Equal(1, JsonDocument.Parse(text).RootElement.GetProperty("stored").GetInt32());
        }
        var stored = await client.GetFromJsonAsync<JsonElement>("/api/users/live-liker/feedback");
        Assert.Equal(id, Assert.Single(stored.GetProperty("events").EnumerateArray()).GetProperty("item").GetString());

        // One liked item: the visual profile is its own vector, so the visual recommendations are its look-alikes.
        var similar = Ids(await client.GetFromJsonAsync<JsonElement>(ItemPath(id) + "/similar?k=5"), "results");
        var visual = Ids(await client.GetFromJsonAsync<JsonElement>("/api/users/live-liker/recommendations?strategy=visual&k=5"), "results");
        Assert.Equal(5, similar.Count);
        Assert.Equal(similar, visual);
        // Look-alikes by item (cos^p summed over liked items): with one liked item its nearest look-alike comes first.
        var visualKnn = Ids(await client.GetFromJsonAsync<JsonElement>("/api/users/live-liker/recommendations?strategy=visualknn&k=10"), "results");
        Assert.Equal(similar[0], visualKnn[0]);
        var hybrid = Ids(await client.GetFromJsonAsync<JsonElement>("/api/users/live-liker/recommendations?k=10"), "results");
        Assert.DoesNotContain(id, hybrid);
        Assert.Contains(hybrid, similar.Contains);
        var also = await client.GetFromJsonAsync<JsonElement>(ItemPath(id) + "/also?k=5");
        Assert.Equal(similar, Ids(also, "looksLike"));
        // The item page's like from the page names the item by its file name without extension, too.
        string stem = Path.GetFileNameWithoutExtension(id);
        using var byStem = await client.PostAsJsonAsync("/api/users/live-liker/feedback", new { kind = "view", item = stem });
        Assert.Equal(HttpStatusCode.OK, byStem.StatusCode);
    }

    [Fact]
    public async Task DeletedItem_NeverRecommended_ByAnyStrategyOrItemPage_AndRefusesFeedback()
    {
        using var client = fixture.Server.Client();
        string kept = await AddAsync(client, fixture.UnusedPhoto("skirt", 0));
        string doomed = await AddAsync(client, fixture.UnusedPhoto("skirt", 1));
        // doomed is bought with kept and liked, so every source has a reason to propose it to live-buyer-2.
        await PostAsync(client, "live-buyer-1", new object[] { new { kind = "purchase", item = kept }, new { kind = "purchase", item = doomed } });
        await PostAsync(client, "live-buyer-3", new object[] { new { kind = "purchase", item = doomed }, new { kind = "like", item = doomed } });
        await PostAsync(client, "live-buyer-2", new object[] { new { kind = "purchase", item = kept } });

        var before = Ids(await client.GetFromJsonAsync<JsonElement>("/api/users/live-buyer-2/recommendations?strategy=itemknn&k=10"), "results");
        Assert.Contains(doomed, before);
        Assert.Contains(doomed, Ids(await client.GetFromJsonAsync<JsonElement>(ItemPath(kept) + "/also?k=5"), "boughtTogether"));

        using (var deleted = await client.DeleteAsync(ItemPath(doomed))) Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        int catalogSize = (await client.GetFromJsonAsync<JsonElement>("/api/info")).GetProperty("items").GetInt32();
        foreach (string strategy in Strategies)
        {
            foreach (string user in new[] { "live-buyer-1", "live-buyer-2", "live-buyer-3", "live-nobody" })
            {
                var recommended = Ids(await client.GetFromJsonAsync<JsonElement>($"/api/users/{user}/recommendations?strategy={strategy}&k={catalogSize}"), "results");
                Assert.DoesNotContain(doomed, recommended);
            }
        }
        var also = await client.GetFromJsonAsync<JsonElement>(ItemPath(kept) + $"/also?k={catalogSize}");
        foreach (string list in new[] { "boughtTogether", "looksLike", "blended" }) Assert.DoesNotContain(doomed, Ids(also, list));
        using (var pair = await client.GetAsync("/api/users/live-buyer-2/pair?pool=100"))
        {
            if (pair.StatusCode == HttpStatusCode.OK)
                Assert.DoesNotContain(doomed, Ids(await pair.Content.ReadFromJsonAsync<JsonElement>(), "items"));
            else Assert.Equal(HttpStatusCode.NoContent, pair.StatusCode);
        }
        using var refused = await client.PostAsJsonAsync("/api/users/live-buyer-2/feedback", new { kind = "like", item = doomed });
        await Problems.AssertAsync(refused, HttpStatusCode.NotFound, "NotFound");
        using var gone = await client.GetAsync(ItemPath(doomed) + "/also");
        await Problems.AssertAsync(gone, HttpStatusCode.NotFound, "NotFound");
    }

    internal static async Task<string> AddAsync(HttpClient client, string photo)
    {
        using var response = await client.PostAsync("/api/items", UploadForm.Image(await File.ReadAllBytesAsync(photo), Path.GetFileName(photo)));
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"add {photo}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task PostAsync(HttpClient client, string user, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/users/{user}/feedback", body);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"feedback of {user}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static List<string> Ids(JsonElement result, string list) =>
        result.GetProperty(list).EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();
}
