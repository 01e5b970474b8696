using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lookalike.Server.Tests.Browser;

/// <summary>
/// Learning from a person on the page, in a real browser: like and dislike buttons, the For-you strip that follows them,
/// the "which do you prefer?" picker and the item page's also-bought strip. Each test's browser context is a new
/// visitor (fresh localStorage: a new anonymous user id), so tests do not see each other's likes, only their effect
/// on what is popular.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FeedbackPageTests(BrowserFixture fixture, ITestOutputHelper output)
{
    private readonly List<string> _pageErrors = [];

    [Fact]
    public async Task LikeOnItemAndOnResultCard_ForYouStripUpdates_LikedItemsExcluded()
    {
        var (context, page) = await fixture.OpenAsync(1280, 900, _pageErrors);
        try
        {
            string shoe = ItemsOf("shoes")[0];
            await page.GotoAsync("/#/item/" + Uri.EscapeDataString(shoe));
            await Expect(page.GetByTestId("result")).ToHaveCountAsync(10);
            string user = await page.GetByTestId("user-name").InputValueAsync();
            Assert.StartsWith("anon-", user);
            await UpdatesAsync(page);
            var before = await StripIdsAsync(page, "foryou-item");

            // The item page also shows what was bought with it; nobody has bought anything here: look-alikes only.
            await Expect(page.GetByTestId("also-status")).ToContainTextAsync("look-alikes only");
            await Expect(page.GetByTestId("also-item").First).ToBeVisibleAsync();
            Assert.DoesNotContain(shoe, await StripIdsAsync(page, "also-item"));

            int updates = await UpdatesAsync(page);
            await page.GetByTestId("like").ClickAsync();
            await WaitForUpdateAsync(page, updates);
            await Expect(page.GetByTestId("like")).ToHaveAttributeAsync("aria-pressed", "true");
            await Expect(page.GetByTestId("foryou-status")).ToContainTextAsync("From 1 item");
            var afterOne = await StripIdsAsync(page, "foryou-item");
            Assert.NotEmpty(afterOne);
            Assert.DoesNotContain(shoe, afterOne);
            Assert.NotEqual(before, afterOne);
            // One liked shoe: the strip leads with other shoes.
            Assert.Contains(afterOne.Take(3), id => ItemsOf("shoes").Contains(id));

            // Like on a look-alike card: the strip updates again and leaves that one out too.
            var card = page.GetByTestId("result").Nth(2);
            string second = (await card.GetAttributeAsync("data-id"))!;
            updates = await UpdatesAsync(page);
            await card.GetByTestId("card-like").ClickAsync();
            await WaitForUpdateAsync(page, updates);
            await Expect(page.GetByTestId("foryou-status")).ToContainTextAsync("From 2 items");
            await Expect(card.GetByTestId("card-like")).ToHaveAttributeAsync("aria-pressed", "true");
            var afterTwo = await StripIdsAsync(page, "foryou-item");
            Assert.DoesNotContain(shoe, afterTwo);
            Assert.DoesNotContain(second, afterTwo);

            var events = await EventsAsync(user);
            Assert.Equal([("like", shoe), ("like", second)], events.Select(e => (e.Kind, e.Item)).ToArray());
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotFolder, "for-you.png"), FullPage = true });
            output.WriteLine($"screenshots in {fixture.ScreenshotFolder}");
        }
        finally
        {
            await context.CloseAsync();
        }
        AssertNoPageErrors();
    }

    [Fact]
    public async Task PairPicker_Click_RecordsPreferEvent_AndAsksAgain()
    {
        var (context, page) = await fixture.OpenAsync(1280, 900, _pageErrors);
        try
        {
            string dress = ItemsOf("dress")[0];
            await page.GotoAsync("/#/item/" + Uri.EscapeDataString(dress));
            string user = await page.GetByTestId("user-name").InputValueAsync();
            int updates = await UpdatesAsync(page);
            await page.GetByTestId("like").ClickAsync();
            await WaitForUpdateAsync(page, updates);

            var options = page.GetByTestId("pair-option");
            await Expect(options).ToHaveCountAsync(2);
            string chosen = (await options.Nth(1).GetAttributeAsync("data-id"))!;
            string other = (await options.Nth(0).GetAttributeAsync("data-id"))!;
            Assert.NotEqual(chosen, other);
            Assert.DoesNotContain(dress, new[] { chosen, other });

            updates = await UpdatesAsync(page);
            await options.Nth(1).ClickAsync();
            await WaitForUpdateAsync(page, updates);
            var last = (await EventsAsync(user))[^1];
            Assert.Equal(("prefer", chosen, other), (last.Kind, last.Item, last.Other));
            await Expect(page.GetByTestId("foryou-status")).ToContainTextAsync("From 3 items"); // the like and both sides of the choice
        }
        finally
        {
            await context.CloseAsync();
        }
        AssertNoPageErrors();
    }

    [Fact]
    public async Task UserName_ChangesWhoseFeedbackAndSuggestions_KeptAcrossReloads()
    {
        var (context, page) = await fixture.OpenAsync(1280, 900, _pageErrors);
        try
        {
            await page.GotoAsync("/");
            string user = $"page-tester-{Guid.NewGuid():N}"[..24];
            int updates = await UpdatesAsync(page);
            await page.GetByTestId("user-name").FillAsync(user);
            await page.GetByTestId("user-name").PressAsync("Enter");
            await page.GetByTestId("user-name").BlurAsync();
            await WaitForUpdateAsync(page, updates);
            await page.ReloadAsync();
            await Expect(page.GetByTestId("user-name")).ToHaveValueAsync(user);

            string hat = ItemsOf("hat")[0];
            await page.GotoAsync("/#/item/" + Uri.EscapeDataString(hat));
            updates = await UpdatesAsync(page);
            await page.GetByTestId("dislike").ClickAsync();
            await WaitForUpdateAsync(page, updates);
            Assert.Equal(("dislike", hat), (await EventsAsync(user)).Select(e => (e.Kind, e.Item)).Single());
        }
        finally
        {
            await context.CloseAsync();
        }
        AssertNoPageErrors();
    }

    [Fact]
    public async Task PhoneWidth390_LikeAndPair_NoSideScroll()
    {
        var (context, page) = await fixture.OpenAsync(390, 844, _pageErrors);
        try
        {
            string shirt = ItemsOf("shirt")[0];
            await page.GotoAsync("/#/item/" + Uri.EscapeDataString(shirt));
            await Expect(page.GetByTestId("result")).ToHaveCountAsync(10);
            int updates = await UpdatesAsync(page);
            await page.GetByTestId("like").ClickAsync();
            await WaitForUpdateAsync(page, updates);
            await Expect(page.GetByTestId("foryou-item").First).ToBeVisibleAsync();
            await Expect(page.GetByTestId("pair-option")).ToHaveCountAsync(2);
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");

            // Both pair options fit side by side on the screen; the For-you strip scrolls inside itself.
            var a = await page.GetByTestId("pair-option").Nth(0).BoundingBoxAsync();
            var b = await page.GetByTestId("pair-option").Nth(1).BoundingBoxAsync();
            Assert.Equal(a!.Y, b!.Y, 1.0);
            Assert.True(b.X + b.Width <= 390, $"the second option ends at {b.X + b.Width}px");
            var strip = await page.GetByTestId("foryou-list").BoundingBoxAsync();
            Assert.True(strip!.X >= 0 && strip.X + strip.Width <= 390, $"the strip spans {strip.X}…{strip.X + strip.Width}px");
            var like = await page.GetByTestId("like").BoundingBoxAsync();
            Assert.True(like!.Height >= 28, $"the like button is {like.Height}px high");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotFolder, "phone-for-you.png"), FullPage = true });
        }
        finally
        {
            await context.CloseAsync();
        }
        AssertNoPageErrors();
    }

    private List<string> ItemsOf(string label) =>
        fixture.Catalog.Items.Where(i => i.Class == label).Select(i => i.Id).ToList();

    private static async Task<List<string>> StripIdsAsync(IPage page, string testId) =>
        [.. await page.GetByTestId(testId).EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.id)")];

    /// <summary>How many times the For-you strip and the pair picker have been refreshed (the page counts them).</summary>
    private static async Task<int> UpdatesAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => Number(document.getElementById('personal').dataset.updates || 0) > 0");
        return await page.EvaluateAsync<int>("() => Number(document.getElementById('personal').dataset.updates)");
    }

    private static async Task WaitForUpdateAsync(IPage page, int after) =>
        await page.WaitForFunctionAsync("n => Number(document.getElementById('personal').dataset.updates || 0) > n", after);

    private async Task<List<(string Kind, string Item, string? Other)>> EventsAsync(string user)
    {
        using var client = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        var body = await client.GetFromJsonAsync<JsonElement>("/api/users/" + Uri.EscapeDataString(user) + "/feedback");
        return body.GetProperty("events").EnumerateArray()
            .Select(e => (e.GetProperty("kind").GetString()!, e.GetProperty("item").GetString()!, e.TryGetProperty("other", out var o) ? o.GetString() : null))
            .ToList();
    }

    private void AssertNoPageErrors() => Assert.True(_pageErrors.Count == 0, "page errors: " + string.Join(" | ", _pageErrors));
}
