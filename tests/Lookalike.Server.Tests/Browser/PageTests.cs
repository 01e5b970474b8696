using System.Globalization;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lookalike.Server.Tests.Browser;

/// <summary>The web page in a real browser, as a person uses it: browse, filter, page, open an item, upload a photo.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(BrowserFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly List<string> _pageErrors = [];

    // The upload tests send a non-image on purpose: its 4xx from /api/search is the one expected failed load.
    public async Task InitializeAsync() => (_context, _page) = await fixture.OpenAsync(1280, 900, _pageErrors, false, "/api/search");

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task Catalog_ShowsGrid_FiltersByClass_Pages()
    {
        await _page.GotoAsync("/");
        var cards = _page.GetByTestId("item");
        await Expect(cards).ToHaveCountAsync(24);
        await Expect(_page.GetByTestId("page-label")).ToHaveTextAsync("Page 1 of 3");
        await Expect(_page.GetByTestId("catalog-count")).ToContainTextAsync("60 items");
        await WaitForImagesAsync("[data-testid=item] img", 6);

        await _page.GetByTestId("next").ClickAsync();
        await Expect(_page.GetByTestId("page-label")).ToHaveTextAsync("Page 2 of 3");
        await _page.GetByTestId("next").ClickAsync();
        await Expect(cards).ToHaveCountAsync(12);
        await Expect(_page.GetByTestId("next")).ToBeDisabledAsync();

        await _page.GetByTestId("filter-value").SelectOptionAsync("shoes");
        await Expect(cards).ToHaveCountAsync(6);
        await Expect(_page.GetByTestId("page-label")).ToHaveTextAsync("Page 1 of 1");
        foreach (var label in await cards.Locator(".label").AllTextContentsAsync()) Assert.Equal("shoes", label);
        await ScreenshotAsync("catalog-filtered.png");

        // Back to everything.
        await _page.GetByTestId("filter-value").SelectOptionAsync("");
        await Expect(cards).ToHaveCountAsync(24);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task ClickItem_ShowsItLargeBesideKLookalikesWithScores()
    {
        await _page.GotoAsync("/");
        var first = _page.GetByTestId("item").First;
        string id = (await first.GetAttributeAsync("data-id"))!;
        await first.ClickAsync();

        await Expect(_page.GetByTestId("detail")).ToBeVisibleAsync();
        await Expect(_page.GetByTestId("catalog")).ToBeHiddenAsync();
        await Expect(_page.GetByTestId("result")).ToHaveCountAsync(10);
        await Expect(_page.GetByTestId("query")).ToContainTextAsync(id);
        var scores = (await _page.GetByTestId("score").AllTextContentsAsync()).Select(s => float.Parse(s, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(10, scores.Count);
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.All(scores, s => Assert.InRange(s, -1f, 1f));
        Assert.DoesNotContain(id, await _page.GetByTestId("result").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.id)"));
        await WaitForImagesAsync("[data-testid=query-image]", 1);
        await WaitForImagesAsync("[data-testid=result] img", 10);
        // The item is shown large: wider than any look-alike thumbnail.
        var large = await _page.GetByTestId("query-image").BoundingBoxAsync();
        var small = await _page.GetByTestId("result").First.Locator("img").BoundingBoxAsync();
        Assert.True(large!.Width > small!.Width * 1.5, $"query {large.Width}px vs result {small.Width}px");
        await ScreenshotAsync("item-lookalikes.png");

        await _page.GetByTestId("k").SelectOptionAsync("5");
        await Expect(_page.GetByTestId("result")).ToHaveCountAsync(5);

        // A look-alike is itself clickable.
        string next = (await _page.GetByTestId("result").First.GetAttributeAsync("data-id"))!;
        await _page.GetByTestId("result").First.ClickAsync();
        await Expect(_page.GetByTestId("query")).ToContainTextAsync(next);
        AssertNoPageErrors();
    }

    [Fact]
    public async Task UploadPhoto_FilePicker_ShowsItsLookalikes()
    {
        await _page.GotoAsync("/");
        var (path, photoClass) = fixture.Catalog.Outside[0];
        await _page.GetByTestId("file-input").SetInputFilesAsync(path);

        await Expect(_page.GetByTestId("result")).ToHaveCountAsync(10);
        // The photo is not in the catalog; the model puts an item of its own class first.
        await Expect(_page.GetByTestId("result").First.Locator(".label")).ToHaveTextAsync(photoClass);
        await Expect(_page.GetByTestId("query-caption")).ToContainTextAsync("Your photo: " + Path.GetFileName(path));
        await Expect(_page.GetByTestId("error")).ToBeHiddenAsync();
        await Expect(_page.GetByTestId("score")).ToHaveCountAsync(10);
        await WaitForImagesAsync("[data-testid=query-image]", 1);
        await WaitForImagesAsync("[data-testid=result] img", 10);
        await ScreenshotAsync("upload-lookalikes.png");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task UploadPhoto_DragAndDrop_ShowsItsLookalikes()
    {
        await _page.GotoAsync("/");
        await Expect(_page.GetByTestId("item")).ToHaveCountAsync(24);
        string base64 = Convert.ToBase64String(await File.ReadAllBytesAsync(fixture.Catalog.Outside[1].Path));
        var transfer = await _page.EvaluateHandleAsync(
            "b64 => { const dt = new DataTransfer(); const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0)); dt.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' })); return dt; }",
            base64);
        await _page.DispatchEventAsync("main", "dragenter", new { dataTransfer = transfer });
        await _page.DispatchEventAsync("main", "drop", new { dataTransfer = transfer });

        await Expect(_page.GetByTestId("result")).ToHaveCountAsync(10);
        await Expect(_page.GetByTestId("result").First.Locator(".label")).ToHaveTextAsync(fixture.Catalog.Outside[1].Class);
        await Expect(_page.GetByTestId("query-caption")).ToContainTextAsync("dropped.jpg");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task UploadNonImage_ShowsReadableError()
    {
        await _page.GotoAsync("/");
        await _page.GetByTestId("file-input").SetInputFilesAsync(new FilePayload
        {
            Name = "shopping-list.txt",
            MimeType = "text/plain",
            Buffer = "milk, eggs, a jacket that looks like this one"u8.ToArray(),
        });

        var error = _page.GetByTestId("error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("Not a supported image");
        await Expect(error).ToContainTextAsync("shopping-list.txt");
        await Expect(_page.GetByTestId("results-status")).ToContainTextAsync("could not be used");
        await Expect(_page.GetByTestId("result")).ToHaveCountAsync(0);
        await ScreenshotAsync("upload-error.png");

        // A real photo afterwards clears the error.
        await _page.GetByTestId("file-input").SetInputFilesAsync(fixture.Catalog.Outside[2].Path);
        await Expect(_page.GetByTestId("result")).ToHaveCountAsync(10);
        await Expect(error).ToBeHiddenAsync();
        AssertNoPageErrors();
    }

    [Fact]
    public async Task UnknownItemLink_ShowsReadableError()
    {
        await _page.GotoAsync("/#/item/" + Uri.EscapeDataString("images/no-such-photo.jpg"));
        var error = _page.GetByTestId("error");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("No item 'images/no-such-photo.jpg'");
    }

    [Fact]
    public async Task PhoneWidth390_NoSideScroll_TwoColumns_DetailStacks()
    {
        var (context, page) = await fixture.OpenAsync(390, 844, _pageErrors);
        try
        {
            await page.GotoAsync("/");
            var cards = page.GetByTestId("item");
            await Expect(cards).ToHaveCountAsync(24);
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");
            var a = await cards.Nth(0).BoundingBoxAsync();
            var b = await cards.Nth(1).BoundingBoxAsync();
            var c = await cards.Nth(2).BoundingBoxAsync();
            Assert.Equal(a!.Y, b!.Y, 1.0);
            Assert.True(c!.Y > a.Y + a.Height / 2, "expected two cards per row");
            Assert.True(a.Width > 120, $"cards are {a.Width}px wide");
            await WaitForImagesAsync("[data-testid=item] img", 4, page);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotFolder, "phone-catalog.png") });

            await cards.First.ClickAsync();
            await Expect(page.GetByTestId("result")).ToHaveCountAsync(10);
            var query = await page.GetByTestId("query").BoundingBoxAsync();
            var results = await page.GetByTestId("results").BoundingBoxAsync();
            Assert.True(results!.Y >= query!.Y + query.Height - 1, "on a phone the look-alikes come below the item");
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the detail view scrolls sideways at 390 px");
            await WaitForImagesAsync("[data-testid=query-image]", 1, page);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotFolder, "phone-item.png"), FullPage = true });
            output.WriteLine($"screenshots in {fixture.ScreenshotFolder}");
        }
        finally
        {
            await context.CloseAsync();
        }
        AssertNoPageErrors();
    }

    /// <summary>Waits until the first <paramref name="count"/> images matching <paramref name="selector"/> have decoded pixels.</summary>
    private async Task WaitForImagesAsync(string selector, int count, IPage? page = null) =>
        await (page ?? _page).WaitForFunctionAsync(
            "([selector, count]) => { const images = [...document.querySelectorAll(selector)].slice(0, count); return images.length === count && images.every(i => i.complete && i.naturalWidth > 0); }",
            new object[] { selector, count });

    private async Task ScreenshotAsync(string name)
    {
        string path = Path.Combine(fixture.ScreenshotFolder, name);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }

    private void AssertNoPageErrors() => Assert.True(_pageErrors.Count == 0, "page errors: " + string.Join(" | ", _pageErrors));
}
