using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Lookalike.Server.Tests.Support;
using static Lookalike.Server.Tests.Support.FeedbackFixture;

namespace Lookalike.Server.Tests;

/// <summary>
/// Feedback, recommendations, the preference pair and the item page's "also" over HTTP, on a real store whose
/// co-purchases were recorded through the API (see <see cref="FeedbackFixture"/>). Every test has users of its own.
/// </summary>
public sealed class FeedbackApiTests(FeedbackFixture fixture) : IClassFixture<FeedbackFixture>
{
    private readonly HttpClient _client = fixture.Client;

    private static string NewUser(string name) => $"{name}-{Guid.NewGuid():N}";

    private static List<string> Ids(JsonElement list) => list.EnumerateArray().Select(r => r.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task Like_RecommendationsChangeAtOnce_LikedItemExcluded()
    {
        string user = NewUser("ann");
        string liked = fixture.Of("shoes")[0];
        var before = await fixture.GetJsonAsync(UserPath(user) + "/recommendations?k=5");
        Assert.Equal("hybrid", before.GetProperty("query").GetProperty("strategy").GetString());
        Assert.Equal(0, before.GetProperty("query").GetProperty("historyItems").GetInt32());
        Assert.Contains("cold user", before.GetProperty("query").GetProperty("note").GetString());
        // A cold user gets the popular items: the co-purchased basket.
        Assert.Contains(fixture.BasketA, Ids(before.GetProperty("results")));

        using var response = await fixture.PostFeedbackAsync(user, new { kind = "like", item = liked });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var receipt = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(user, receipt.GetProperty("user").GetString());
        Assert.Equal(1, receipt.GetProperty("stored").GetInt32());
        Assert.Equal(0, receipt.GetProperty("errors").GetArrayLength());

        var after = await fixture.GetJsonAsync(UserPath(user) + "/recommendations?k=5");
        Assert.Equal(1, after.GetProperty("query").GetProperty("historyItems").GetInt32());
        var ids = Ids(after.GetProperty("results"));
        Assert.Equal(5, ids.Count);
        Assert.DoesNotContain(liked, ids);
        Assert.NotEqual(Ids(before.GetProperty("results")), ids);
        var scores = after.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("score").GetSingle()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);

        // The visual profile of one liked shoe: the other shoes first.
        var visual = await fixture.GetJsonAsync(UserPath(user) + "/recommendations?k=2&strategy=visual");
        Assert.Equal("visual", visual.GetProperty("query").GetProperty("strategy").GetString());
        Assert.Equal(fixture.Of("shoes").Skip(1).Order(StringComparer.Ordinal), Ids(visual.GetProperty("results")).Order(StringComparer.Ordinal));

        var stored = await fixture.GetJsonAsync(UserPath(user) + "/feedback");
        var only = Assert.Single(stored.GetProperty("events").EnumerateArray());
        Assert.Equal("like", only.GetProperty("kind").GetString());
        Assert.Equal(liked, only.GetProperty("item").GetString());
    }

    [Fact]
    public async Task FeedbackList_UnknownItem_ReportedPerEvent_RestStored()
    {
        string user = NewUser("team/bob"); // '/' in a user id: percent-encoded in the URL, one segment
        var skirts = fixture.Of("skirt");
        using var response = await fixture.PostFeedbackAsync(user, new object[]
        {
            new { kind = "rating", item = skirts[1], value = 4 },
            new { kind = "like", item = "images/no-such-photo.jpg" },
            new { kind = "prefer", item = skirts[2], over = "images/also-missing.jpg" },
            new { kind = "ranking", items = new[] { skirts[2], skirts[1] } },
        });
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var receipt = JsonDocument.Parse(text).RootElement;
        Assert.Equal(user, receipt.GetProperty("user").GetString());
        Assert.Equal(4, receipt.GetProperty("received").GetInt32());
        Assert.Equal(2, receipt.GetProperty("accepted").GetInt32());
        Assert.Equal(3, receipt.GetProperty("stored").GetInt32()); // the rating and the ranking's two places
        var errors = receipt.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal(1, errors[0].GetProperty("index").GetInt32());
        Assert.Equal("item", errors[0].GetProperty("field").GetString());
        Assert.Contains("images/no-such-photo.jpg", errors[0].GetProperty("message").GetString());
        Assert.Equal(2, errors[1].GetProperty("index").GetInt32());
        Assert.Equal("over", errors[1].GetProperty("field").GetString());
        Assert.Contains("images/also-missing.jpg", errors[1].GetProperty("message").GetString());

        var stored = await fixture.GetJsonAsync(UserPath(user) + "/feedback");
        Assert.Equal(user, stored.GetProperty("user").GetString());
        Assert.Equal(["rating", "ranking", "ranking"], stored.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!).ToArray());
    }

    [Fact]
    public async Task Feedback_OnlyUnknownItems_404WithErrors()
    {
        string user = NewUser("cat");
        using var response = await fixture.PostFeedbackAsync(user, new { kind = "like", item = "images/nothing-here.jpg" });
        var problem = await Problems.AssertAsync(response, HttpStatusCode.NotFound, "NotFound");
        Assert.Contains("images/nothing-here.jpg", problem.GetProperty("detail").GetString());
        Assert.Equal(0, Assert.Single(problem.GetProperty("errors").EnumerateArray()).GetProperty("index").GetInt32());
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { """{"kind":"love","item":"ITEM"}""", "kind", "Unknown feedback kind 'love'" },
        { """{"kind":"rating","item":"ITEM","value":7}""", "value", "from 1 to 5" },
        { """{"kind":"rating","item":"ITEM"}""", "value", "needs a value" },
        { """{"kind":"rating","item":"ITEM","value":"five"}""", "value", "must be a number" },
        { """{"kind":"prefer","item":"ITEM"}""", "over", "needs other" },
        { """{"kind":"prefer","item":"ITEM","over":"ITEM"}""", "over", "over itself" },
        { """{"kind":"ranking","items":["ITEM"]}""", "items", "at least two" },
        { """{"kind":"like","iten":"ITEM"}""", "iten", "Unknown field 'iten'" },
        { """{"item":"ITEM"}""", "kind", "needs a kind" },
        { """{"kind":"like","item":"ITEM","time":"yesterday"}""", "time", "ISO 8601" },
        { """[{"kind":"like","item":"ITEM"},{"kind":"like","item":42}]""", "item", "Event [1] item" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Feedback_Malformed_400NamesEventAndField_NothingStored(string body, string field, string message)
    {
        string user = NewUser("dan");
        using var content = new StringContent(body.Replace("ITEM", fixture.Of("t-shirt")[0], StringComparison.Ordinal), Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(UserPath(user) + "/feedback", content);
        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Contains(message, problem.GetProperty("detail").GetString());
        Assert.Equal(field, problem.GetProperty("subject").GetString());
        Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("field").GetString() == field);
        var stored = await fixture.GetJsonAsync(UserPath(user) + "/feedback");
        Assert.Equal(0, stored.GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("not json", "application/json", "not valid JSON")]
    [InlineData("[]", "application/json", "empty")]
    [InlineData("\"like\"", "application/json", "one feedback event")]
    public async Task Feedback_BadBody_400NamesBody(string body, string contentType, string message)
    {
        using var content = new StringContent(body, Encoding.UTF8, contentType);
        using var response = await _client.PostAsync(UserPath(NewUser("eve")) + "/feedback", content);
        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("body", problem.GetProperty("subject").GetString());
        Assert.Contains(message, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Feedback_NotJson_415SaysSendJson()
    {
        using var content = new StringContent("kind=like", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await _client.PostAsync(UserPath(NewUser("eve")) + "/feedback", content);
        var problem = await Problems.AssertAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("?strategy=magic", "strategy", "Unknown strategy 'magic'")]
    [InlineData("?k=0", "k", "between 1 and 100")]
    [InlineData("?k=101", "k", "between 1 and 100")]
    [InlineData("?where=colour:red", "where", "Unknown metadata column 'colour'")]
    public async Task Recommendations_BadArguments_400NamingThem(string query, string subject, string message)
    {
        using var response = await _client.GetAsync(UserPath(NewUser("fay")) + "/recommendations" + query);
        var problem = await Problems.AssertAsync(response, HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal(subject, problem.GetProperty("subject").GetString());
        Assert.Contains(message, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Recommendations_WhereFilter_OnlyMatchingItems()
    {
        string user = NewUser("gus");
        using var like = await fixture.PostFeedbackAsync(user, new { kind = "like", item = fixture.Of("longsleeve")[0] });
        like.EnsureSuccessStatusCode();
        var result = await fixture.GetJsonAsync(UserPath(user) + "/recommendations?k=10&strategy=visual&where=class:shorts");
        var classes = result.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("metadata").GetProperty("class").GetString()).ToList();
        Assert.Equal(3, classes.Count);
        Assert.All(classes, c => Assert.Equal("shorts", c));
    }

    [Fact]
    public async Task Feedback_ApiKeyConfigured_WritesAndStoredFeedbackNeedIt_RecommendationsDoNot()
    {
        using var factory = new LookalikeFactory(fixture.Catalog.Store, o => o.ApiKey = "s3cret");
        using var client = factory.CreateClient();
        string user = NewUser("hal");
        var like = new { kind = "like", item = fixture.Of("outwear")[0] };

        using (var none = await fixture.PostFeedbackAsync(user, like, client))
            await Problems.AssertAsync(none, HttpStatusCode.Unauthorized, "Unauthorized");
        client.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        using (var wrong = await fixture.PostFeedbackAsync(user, like, client))
            await Problems.AssertAsync(wrong, HttpStatusCode.Unauthorized, "Unauthorized");
        using (var peek = await client.GetAsync(UserPath(user) + "/feedback"))
            await Problems.AssertAsync(peek, HttpStatusCode.Unauthorized, "Unauthorized");

        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Add("X-Api-Key", "s3cret");
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>(UserPath(user) + "/feedback")).GetProperty("total").GetInt32());
        using (var right = await fixture.PostFeedbackAsync(user, like, client))
            Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        client.DefaultRequestHeaders.Remove("X-Api-Key");
        using var read = await client.GetAsync(UserPath(user) + "/recommendations");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(1, (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("query").GetProperty("historyItems").GetInt32());
    }

    [Fact]
    public async Task Also_ItemBoughtWithAnother_BoughtTogetherFirst_AndLookalikes()
    {
        var also = await fixture.GetJsonAsync(ApiFixture.ItemPath(fixture.BasketA) + "/also?k=5");
        var query = also.GetProperty("query");
        Assert.Equal("item", query.GetProperty("kind").GetString());
        Assert.Equal(fixture.BasketA, query.GetProperty("item").GetString());
        Assert.False(query.TryGetProperty("note", out _));
        var bought = Ids(also.GetProperty("boughtTogether"));
        Assert.Equal(fixture.BasketB, bought[0]);
        var looks = Ids(also.GetProperty("looksLike"));
        Assert.Equal(5, looks.Count);
        Assert.DoesNotContain(fixture.BasketA, looks);
        Assert.Contains(fixture.BasketB, Ids(also.GetProperty("blended")));
    }

    [Fact]
    public async Task Also_ColdItem_FallsBackToLookalikes()
    {
        string cold = fixture.ColdItem;
        var also = await fixture.GetJsonAsync(ApiFixture.ItemPath(cold) + "/also?k=4");
        Assert.Equal(0, also.GetProperty("boughtTogether").GetArrayLength());
        Assert.Contains("look-alikes only", also.GetProperty("query").GetProperty("note").GetString());
        var similar = await fixture.GetJsonAsync(ApiFixture.ItemPath(cold) + "/similar?k=4");
        Assert.Equal(Ids(similar.GetProperty("results")), Ids(also.GetProperty("looksLike")));
        Assert.Equal(Ids(similar.GetProperty("results")), Ids(also.GetProperty("blended")));

        // The unencoded form works too, and an unknown item is a 404.
        var plain = await fixture.GetJsonAsync($"/api/items/{cold}/also?k=4");
        Assert.Equal(Ids(also.GetProperty("looksLike")), Ids(plain.GetProperty("looksLike")));
        using var missing = await _client.GetAsync(ApiFixture.ItemPath("images/no-such-photo.jpg") + "/also");
        await Problems.AssertAsync(missing, HttpStatusCode.NotFound, "NotFound");
    }

    [Fact]
    public async Task Pair_AfterLikes_TwoUnseenItems_PreferRecorded()
    {
        string user = NewUser("ivy");
        var dresses = fixture.Of("dress");
        using (var like = await fixture.PostFeedbackAsync(user, new[] { new { kind = "like", item = dresses[0] }, new { kind = "like", item = dresses[1] } }))
            like.EnsureSuccessStatusCode();

        var pair = await fixture.GetJsonAsync(UserPath(user) + "/pair");
        Assert.Equal(user, pair.GetProperty("user").GetString());
        var items = Ids(pair.GetProperty("items"));
        Assert.Equal(2, items.Count);
        Assert.NotEqual(items[0], items[1]);
        Assert.DoesNotContain(dresses[0], items);
        Assert.DoesNotContain(dresses[1], items);

        using (var prefer = await fixture.PostFeedbackAsync(user, new { kind = "prefer", item = items[1], over = items[0] }))
            Assert.Equal(HttpStatusCode.OK, prefer.StatusCode);
        var stored = await fixture.GetJsonAsync(UserPath(user) + "/feedback?limit=1");
        Assert.Equal(3, stored.GetProperty("total").GetInt32());
        var last = Assert.Single(stored.GetProperty("events").EnumerateArray());
        Assert.Equal("prefer", last.GetProperty("kind").GetString());
        Assert.Equal(items[1], last.GetProperty("item").GetString());
        Assert.Equal(items[0], last.GetProperty("other").GetString());

        using var badPool = await _client.GetAsync(UserPath(user) + "/pair?pool=1");
        await Problems.AssertAsync(badPool, HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Fact]
    public async Task OpenApi_DescribesTheNewRoutes()
    {
        var document = await fixture.GetJsonAsync("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.GetProperty("/api/users/{user}/feedback").TryGetProperty("post", out _));
        Assert.True(paths.GetProperty("/api/users/{user}/recommendations").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/users/{user}/pair").TryGetProperty("get", out _));
        Assert.True(paths.GetProperty("/api/items/{id}/also").TryGetProperty("get", out _));
    }
}

/// <summary>Recommendations on a store nobody has given feedback to (the shared read-only API store).</summary>
[Collection(ApiCollection.Name)]
public sealed class NoFeedbackApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Recommendations_NoFeedbackAnywhere_EmptyWithNote()
    {
        var result = await fixture.Client.GetFromJsonAsync<JsonElement>(UserPath("nobody") + "/recommendations");
        Assert.Equal(0, result.GetProperty("results").GetArrayLength());
        Assert.Contains("no feedback", result.GetProperty("query").GetProperty("note").GetString());
    }

    [Fact]
    public async Task Pair_NoCandidates_204()
    {
        using var response = await fixture.Client.GetAsync(UserPath("nobody") + "/pair");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
