using Lookalike.Server.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Lookalike.Server.Tests.Browser;

/// <summary>Why-similar overlays and region search on the page, in a real browser, with mouse and with touch.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ExplainPageTests(BrowserFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly List<string> _pageErrors = [];

    public async Task InitializeAsync() => (_context, _page) = await fixture.OpenAsync(1280, 900, _pageErrors);

    public async Task DisposeAsync() => await _context.CloseAsync();

    [Fact]
    public async Task DrawBox_OnTwoItemsSideBySide_ResultsBecomeTheBoxedItemsLookalikes()
    {
        var (left, right) = (FirstOf("dress"), FirstOf("shoes"));
        string composed = Path.Combine(fixture.ScreenshotFolder, "dress-and-shoes.png");
        await File.WriteAllBytesAsync(composed, TestImages.SideBySide(Path.Combine(fixture.Catalog.Folder, left), Path.Combine(fixture.Catalog.Folder, right), 320));
        await _page.GotoAsync("/");
        await _page.GetByTestId("file-input").SetInputFilesAsync(composed);
        await Expect(_page.GetByTestId("result")).ToHaveCountAsync(10);
        await WaitForImageAsync("[data-testid=query-image]");

        await DragAsync(0.55, 0.05, 0.95, 0.95); // the shoes
        await Expect(_page.GetByTestId("results")).Not.ToHaveAttributeAsync("data-box", "");
        await Expect(_page.GetByTestId("result").First).ToHaveAttributeAsync("data-id", right);
        await Expect(_page.GetByTestId("box")).ToBeVisibleAsync();
        await Expect(_page.GetByTestId("clear-box")).ToBeVisibleAsync();
        await Expect(_page.GetByTestId("results-status")).ToContainTextAsync("boxed part");
        await WaitForImagesAsync("[data-testid=result] img", 10);
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotFolder, "region-box.png") });

        await DragAsync(0.05, 0.05, 0.45, 0.95); // the dress
        await Expect(_page.GetByTestId("result").First).ToHaveAttributeAsync("data-id", left);

        await _page.GetByTestId("clear-box").ClickAsync();
        await Expect(_page.GetByTestId("results")).ToHaveAttributeAsync("data-box", "");
        await Expect(_page.GetByTestId("box")).ToBeHiddenAsync();
        output.WriteLine($"screenshots in {fixture.ScreenshotFolder}");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task HoverResult_ShowsHeatmapsOverBothPhotosAndWhy()
    {
        string id = FirstOf("hat");
        await _page.GotoAsync("/#/item/" + Uri.EscapeDataString(id));
        var results = _page.GetByTestId("result");
        await Expect(results).ToHaveCountAsync(10);
        await WaitForImageAsync("[data-testid=query-image]");
        await WaitForImagesAsync("[data-testid=result] img", 10);

        await results.Nth(0).HoverAsync();
        var heat = results.Nth(0).GetByTestId("result-heat");
        await Expect(heat).ToBeVisibleAsync();
        await Expect(heat.Locator("i")).ToHaveCountAsync(49);
        await Expect(_page.GetByTestId("query-heat")).ToBeVisibleAsync();
        await Expect(_page.GetByTestId("query-heat").Locator("i")).ToHaveCountAsync(49);
        await Expect(_page.GetByTestId("why-panel")).ToContainTextAsync("Why #1 looks alike");
        await Expect(_page.GetByTestId("why-panel")).ToContainTextAsync("exact split");
        await Expect(_page.GetByTestId("why-panel")).ToContainTextAsync("class");
        string score = (await results.Nth(0).GetByTestId("score").TextContentAsync())!;
        await Expect(_page.GetByTestId("why-panel")).ToContainTextAsync("score " + score);
        // The heat-map lies on the photo, inside the card's thumbnail.
        var thumb = await results.Nth(0).Locator(".thumb").BoundingBoxAsync();
        var grid = await heat.BoundingBoxAsync();
        Assert.True(grid!.Width > 0.5 * thumb!.Width && grid.X >= thumb.X - 1 && grid.X + grid.Width <= thumb.X + thumb.Width + 1, $"heat {grid.X},{grid.Width} vs thumb {thumb.X},{thumb.Width}");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotFolder, "explain-overlay.png") });

        // Another result: its own overlay; the first one's is gone.
        await results.Nth(3).HoverAsync();
        await Expect(results.Nth(3).GetByTestId("result-heat")).ToBeVisibleAsync();
        await Expect(results.Nth(0).GetByTestId("result-heat")).ToHaveCountAsync(0);
        await Expect(_page.GetByTestId("why-panel")).ToContainTextAsync("Why #4 looks alike");
        AssertNoPageErrors();
    }

    [Fact]
    public async Task Phone390_Touch_BoxPartOfAnItem_TapWhyShowsOverlay()
    {
        var (context, page) = await fixture.OpenAsync(390, 844, _pageErrors, touch: true);
        try
        {
            string id = FirstOf("outwear");
            await page.GotoAsync("/#/item/" + Uri.EscapeDataString(id));
            await Expect(page.GetByTestId("result")).ToHaveCountAsync(10);
            await WaitForImageAsync("[data-testid=query-image]", page);
            var before = await page.GetByTestId("result").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.id)");

            // A finger drags a box over the top half of the photo (touch events, as a phone sends them).
            var photo = (await page.GetByTestId("query-image").BoundingBoxAsync())!;
            var cdp = await context.NewCDPSessionAsync(page);
            await TouchAsync(cdp, "touchStart", photo.X + photo.Width * 0.1, photo.Y + photo.Height * 0.05);
            for (int step = 1; step <= 5; step++)
                await TouchAsync(cdp, "touchMove", photo.X + photo.Width * (0.1 + 0.16 * step), photo.Y + photo.Height * (0.05 + 0.09 * step));
            await TouchAsync(cdp, "touchEnd", 0, 0);

            await Expect(page.GetByTestId("results")).Not.ToHaveAttributeAsync("data-box", "");
            await Expect(page.GetByTestId("box")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("result")).ToHaveCountAsync(10);
            var after = await page.GetByTestId("result").EvaluateAllAsync<string[]>("cards => cards.map(c => c.dataset.id)");
            Assert.NotEqual(before, after);
            Assert.DoesNotContain(id, after);

            // A tap on a result's ? shows why it looks like the boxed part.
            // Centred first: at the top edge the sticky header would take the tap.
            await page.GetByTestId("result").Nth(0).EvaluateAsync("card => card.scrollIntoView({ block: 'center' })");
            await page.GetByTestId("result").Nth(0).GetByTestId("why").TapAsync();
            try
            {
                await Expect(page.GetByTestId("result").Nth(0).GetByTestId("result-heat")).ToBeVisibleAsync();
            }
            catch (PlaywrightException e)
            {
                string state = await page.EvaluateAsync<string>("() => location.hash + ' | ' + document.querySelector('[data-testid=result]').className + ' | error: ' + document.getElementById('error-text').textContent");
                int explained = await page.EvaluateAsync<int>("() => document.querySelectorAll('.card.explained').length");
                throw new InvalidOperationException($"no heat-map after the tap; page: {state}; explained cards {explained}; page errors: {string.Join(" | ", _pageErrors)}", e);
            }
            await Expect(page.GetByTestId("query-heat")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("why-panel")).ToContainTextAsync("Why #1 looks alike");
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 390 px");
            // The query heat-map lies inside the box: the grid covers the boxed part only.
            var box = (await page.GetByTestId("box").BoundingBoxAsync())!;
            var heat = (await page.GetByTestId("query-heat").BoundingBoxAsync())!;
            Assert.True(heat.X >= box.X - 2 && heat.X + heat.Width <= box.X + box.Width + 2 && heat.Y >= box.Y - 2 && heat.Y + heat.Height <= box.Y + box.Height + 2,
                $"heat {heat.X},{heat.Y},{heat.Width}x{heat.Height} outside box {box.X},{box.Y},{box.Width}x{box.Height}");
            await page.GetByTestId("query-frame").ScrollIntoViewIfNeededAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(fixture.ScreenshotFolder, "phone-explain.png"), FullPage = true });

            // Another result's ? moves the overlay there.
            await page.GetByTestId("result").Nth(1).GetByTestId("why").TapAsync();
            await Expect(page.GetByTestId("result").Nth(1).GetByTestId("result-heat")).ToBeVisibleAsync();
            await Expect(page.GetByTestId("result").Nth(0).GetByTestId("result-heat")).ToHaveCountAsync(0);
        }
        finally
        {
            await context.CloseAsync();
        }
        AssertNoPageErrors();
    }

    private string FirstOf(string label) => fixture.Catalog.Items.First(i => i.Class == label).Id;

    /// <summary>A mouse drag over the query photo between two points given in fractions of the shown photo.</summary>
    private async Task DragAsync(double x0, double y0, double x1, double y1)
    {
        var photo = (await _page.GetByTestId("query-image").BoundingBoxAsync())!;
        // The photo is shown with object-fit: contain; the drawn picture is centred in the element.
        var shown = await _page.EvaluateAsync<double[]>("() => { const r = window.LookalikeExplain.contentRect(document.getElementById('query-image')); return [r.left, r.top, r.width, r.height]; }");
        var frame = (await _page.GetByTestId("query-frame").BoundingBoxAsync())!;
        double X(double f) => frame.X + shown[0] + f * shown[2];
        double Y(double f) => frame.Y + shown[1] + f * shown[3];
        await _page.Mouse.MoveAsync((float)X(x0), (float)Y(y0));
        await _page.Mouse.DownAsync();
        await _page.Mouse.MoveAsync((float)X(x1), (float)Y(y1), new MouseMoveOptions { Steps = 5 });
        await _page.Mouse.UpAsync();
        Assert.True(photo.Width > 0);
    }

    private static Task<System.Text.Json.JsonElement?> TouchAsync(ICDPSession cdp, string type, double x, double y) =>
        cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object>
        {
            ["type"] = type,
            ["touchPoints"] = type == "touchEnd" ? Array.Empty<object>() : new object[] { new Dictionary<string, object> { ["x"] = x, ["y"] = y } },
        });

    private async Task WaitForImageAsync(string selector, IPage? page = null) => await WaitForImagesAsync(selector, 1, page);

    private async Task WaitForImagesAsync(string selector, int count, IPage? page = null) =>
        await (page ?? _page).WaitForFunctionAsync(
            "([selector, count]) => { const images = [...document.querySelectorAll(selector)].slice(0, count); return images.length === count && images.every(i => i.complete && i.naturalWidth > 0); }",
            new object[] { selector, count });

    private void AssertNoPageErrors() => Assert.True(_pageErrors.Count == 0, "page errors: " + string.Join(" | ", _pageErrors));
}
