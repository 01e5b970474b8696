using Lookalike.Server.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;

namespace Lookalike.Server.Tests.Browser;

/// <summary>
/// The real app on Kestrel at a free loopback port (a browser cannot reach an in-memory test server) over 6 photos
/// of each class (60 items, 3 pages), and Debian's Chromium driven by Playwright. Chromium is required: when it is
/// missing these tests fail with how to install it (CI's .ci/run installs it), they are never skipped.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private WebApplication? _app;
    private IPlaywright? _playwright;

    public SampleCatalog Catalog { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Where screenshots go: <c>$TMPDIR/lookalike-screenshots</c>.</summary>
    public string ScreenshotFolder { get; } = Path.Combine(Path.GetTempPath(), "lookalike-screenshots");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"Browser tests need Debian's Chromium at {ChromiumPath}: apt-get install -y chromium (.ci/run does this).");
        Catalog = SampleCatalog.Build(perClass: 6);
        _app = LookalikeServer.Build(
            ["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"],
            o => o.Store = Catalog.Store);
        await _app.StartAsync();
        BaseUrl = _app.Urls.Single();
        Directory.CreateDirectory(ScreenshotFolder);

        // CI runs every test project at once on 2 cores: give the page time rather than fail on a slow upload.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Playwright gives every launch a fresh temporary profile (user-data-dir) and deletes it afterwards.
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
        });
    }

    /// <summary>
    /// A fresh browser context and page on the served app at the given viewport. Console errors (failed loads, CSP
    /// violations, script errors) and page errors are added to <paramref name="pageErrors"/>; the only failed loads
    /// let through are 4xx answers from the paths in <paramref name="expectedFailures"/> (e.g. <c>/api/search</c> when a
    /// test uploads a non-image), so a missing script, stylesheet or thumbnail fails the test.
    /// </summary>
    /// <param name="touch">A phone-like context: touch events, mobile viewport (Chromium's emulation).</param>
    public async Task<(IBrowserContext Context, IPage Page)> OpenAsync(int width, int height, List<string> pageErrors, bool touch = false, params string[] expectedFailures)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            HasTouch = touch,
            IsMobile = touch,
        });
        context.SetDefaultTimeout(60_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type != "error") return;
            string location = message.Location ?? ""; // "URL:line:column" of the failed load
            bool expected = message.Text.Contains("status of 4", StringComparison.Ordinal)
                && expectedFailures.Any(path => location.StartsWith(BaseUrl + path + ":", StringComparison.Ordinal) || location.StartsWith(BaseUrl + path + "?", StringComparison.Ordinal));
            if (!expected) lock (pageErrors) pageErrors.Add($"{message.Text} ({location})");
        };
        page.PageError += (_, error) => { lock (pageErrors) pageErrors.Add(error); };
        return (context, page);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Catalog?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser against real kestrel";
}
