using System.Net.Http.Json;
using System.Text.Json;

namespace Lookalike.Server.Tests.Support;

/// <summary>
/// 3 photos of each class (30 items) in a store of their own, served in memory, with co-purchases recorded through the
/// API: four shoppers bought <see cref="BasketA"/> (a shirt) together with <see cref="BasketB"/> (trousers), and one also
/// bought a skirt. Tests write their own users' feedback to it, so they assert only what other tests' users cannot change:
/// they leave the basket items, the hats (<see cref="ColdItem"/>) and the dresses alone.
/// </summary>
public sealed class FeedbackFixture : IAsyncLifetime
{
    public SampleCatalog Catalog { get; private set; } = null!;

    public LookalikeFactory Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string BasketA => Of("shirt")[0];

    public string BasketB => Of("pants")[0];

    /// <summary>An item nobody bought, liked or rated.</summary>
    public string ColdItem => Of("hat")[2];

    /// <summary>The item ids of one class, in id order.</summary>
    public IReadOnlyList<string> Of(string label) => Catalog.Items.Where(i => i.Class == label).Select(i => i.Id).ToList();

    public static string UserPath(string user) => "/api/users/" + Uri.EscapeDataString(user);

    /// <summary>Posts <paramref name="body"/> (an event or a list) as JSON; the caller checks the answer.</summary>
    public Task<HttpResponseMessage> PostFeedbackAsync(string user, object body, HttpClient? client = null) =>
        (client ?? Client).PostAsJsonAsync(UserPath(user) + "/feedback", body);

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await Client.GetAsync(url);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task InitializeAsync()
    {
        Catalog = SampleCatalog.Build(perClass: 3);
        Factory = new LookalikeFactory(Catalog.Store);
        Client = Factory.CreateClient();
        for (int i = 1; i <= 4; i++)
        {
            var basket = new List<object>
            {
                // No time: now, so the basket is also what is popular now (popularity decays with a half-life).
                new { kind = "purchase", item = BasketA },
                new { kind = "purchase", item = BasketB },
            };
            if (i == 1) basket.Add(new { kind = "purchase", item = Of("skirt")[0] });
            using var response = await PostFeedbackAsync($"shopper-{i}", basket);
            response.EnsureSuccessStatusCode();
        }
    }

    public Task DisposeAsync()
    {
        Client?.Dispose();
        Factory?.Dispose();
        Catalog?.Dispose();
        return Task.CompletedTask;
    }
}
