using System.Diagnostics;
using System.Text.Json;
using Lookalike.TestKit;

namespace Lookalike.Feeds.Tests;

/// <summary><c>lookalike index --feed</c> end to end: the real program, the real model, a real loopback image server.</summary>
public class FeedCliTests(HostileImageServer server) : IClassFixture<HostileImageServer>
{
    private static readonly string[] Polite = ["--per-host-interval", "0", "--retries", "1", "--timeout", "3"];

    [Fact]
    public void IndexFeed_Csv_IndexesTheGoodReportsTheBadAndARerunFetchesNothing()
    {
        using var temp = new TempDirectory();
        var photos = server.Photos.Keys.Order(StringComparer.Ordinal).Take(6).ToList();
        var rows = photos.Select((name, i) => $"SKU-{i},{server.Url($"photos/{name}")},Item {i},{(i % 2 == 0 ? "tops" : "shoes")}")
            .Concat([
                $"SKU-404,{server.Url("status/404")},Gone,tops",
                $"SKU-html,{server.Url("html")},Login page,tops",
                $"SKU-meta,{server.Url("to-metadata")},Sneaky,tops",
                "SKU-file,file:///etc/passwd,Local,tops",
            ]);
        File.WriteAllLines(temp.Combine("feed.csv"), ["sku,image_url,title,product_type", .. rows]);
        string[] index = ["index", "--feed", "feed.csv", "--id-column", "sku", "--image-column", "image_url", "--labels-from-feed", "--store", "store", "--json", .. Polite];

        var first = Run(temp.Path, index);
        Assert.True(first.ExitCode == 0, first.Stderr);
        using (var json = JsonDocument.Parse(first.Stdout))
        {
            var feed = json.RootElement.GetProperty("feed");
            Assert.Equal(("csv", 9, 6), (feed.GetProperty("format").GetString(), feed.GetProperty("products").GetInt32(), feed.GetProperty("downloaded").GetInt32()));
            var failed = feed.GetProperty("failed_downloads").EnumerateArray().ToDictionary(f => f.GetProperty("id").GetString()!);
            Assert.Equal(404, failed["SKU-404"].GetProperty("status").GetInt32());
            Assert.Contains("not an image", failed["SKU-html"].GetProperty("reason").GetString());
            Assert.Equal("169.254.169.254 is the cloud metadata address: refused", failed["SKU-meta"].GetProperty("reason").GetString());
            var bad = Assert.Single(feed.GetProperty("bad_rows").EnumerateArray());
            Assert.Equal(11, bad.GetProperty("line").GetInt32());
            Assert.Equal(6, json.RootElement.GetProperty("index").GetProperty("added").GetInt32());
        }
        Assert.Contains("SKU-404", first.Stderr); // every failure is on the terminal too

        var similar = Run(temp.Path, "similar", "SKU-0.jpg", "-k", "3", "--where", "product_type=shoes", "--store", "store", "--json");
        Assert.True(similar.ExitCode == 0, similar.Stderr);
        using (var json = JsonDocument.Parse(similar.Stdout))
        {
            var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
            Assert.Equal(3, results.Count);
            Assert.All(results, r => Assert.Equal("shoes", r.GetProperty("metadata").GetProperty("product_type").GetString()));
            Assert.All(results, r => Assert.StartsWith("Item ", r.GetProperty("metadata").GetProperty("title").GetString()));
        }

        var again = Run(temp.Path, index);
        Assert.True(again.ExitCode == 0, again.Stderr);
        using (var json = JsonDocument.Parse(again.Stdout))
        {
            var feed = json.RootElement.GetProperty("feed");
            Assert.Equal((0, 6), (feed.GetProperty("downloaded").GetInt32(), feed.GetProperty("not_modified").GetInt32()));
            var summary = json.RootElement.GetProperty("index");
            Assert.Equal((0, 0, 6), (summary.GetProperty("added").GetInt32(), summary.GetProperty("updated").GetInt32(), summary.GetProperty("skipped").GetInt32()));
        }
    }

    [Fact]
    public void IndexFeed_MerchantXmlUrl_IndexesAndPrunesWhatLeftTheFeed()
    {
        using var temp = new TempDirectory();
        var photos = server.Photos.Keys.Order(StringComparer.Ordinal).Skip(6).Take(4).ToList();
        string Items(IEnumerable<string> names) => string.Concat(names.Select((name, i) => $"""
            <item>
              <g:id>M{photos.IndexOf(name)}</g:id>
              <title>Product {photos.IndexOf(name)}</title>
              <g:image_link>{server.Url($"photos/{name}")}</g:image_link>
              <g:product_type>Apparel &gt; Tops</g:product_type>
            </item>
            """));
        string Rss(IEnumerable<string> names) => $"""<?xml version="1.0"?><rss version="2.0" xmlns:g="http://base.google.com/ns/1.0"><channel>{Items(names)}</channel></rss>""";
        server.Feeds["m.xml"] = Rss(photos);
        string[] index = ["index", "--feed", server.Url("feeds/m.xml").ToString(), "--labels-from-feed", "--prune", "--store", "store", "--json", .. Polite];

        var first = Run(temp.Path, index);
        Assert.True(first.ExitCode == 0, first.Stderr);
        using (var json = JsonDocument.Parse(first.Stdout))
        {
            Assert.Equal("merchantxml", json.RootElement.GetProperty("feed").GetProperty("format").GetString());
            Assert.Equal(4, json.RootElement.GetProperty("index").GetProperty("added").GetInt32());
        }

        server.Feeds["m.xml"] = Rss(photos.Take(3));
        var pruned = Run(temp.Path, index);
        Assert.True(pruned.ExitCode == 0, pruned.Stderr);
        using (var json = JsonDocument.Parse(pruned.Stdout))
        {
            Assert.Equal(1, json.RootElement.GetProperty("feed").GetProperty("pruned").GetInt32());
            Assert.Equal(1, json.RootElement.GetProperty("index").GetProperty("removed").GetInt32());
        }
        var info = Run(temp.Path, "info", "--store", "store", "--json");
        Assert.Equal(3, JsonDocument.Parse(info.Stdout).RootElement.GetProperty("items").GetInt32());
    }

    [Fact]
    public void IndexFeed_MissingColumn_IsAUsageErrorNamingIt()
    {
        using var temp = new TempDirectory();
        File.WriteAllLines(temp.Combine("feed.csv"), ["sku,picture", "A,https://x.example/a.jpg"]);
        var result = Run(temp.Path, "index", "--feed", "feed.csv", "--id-column", "sku", "--store", "store");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no column 'image_link' (--image-column); its columns are: sku, picture", result.Stderr);
    }

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static Result Run(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lookalike.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("LOOKALIKE_STORE");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"lookalike {string.Join(' ', args)} did not finish in 5 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
