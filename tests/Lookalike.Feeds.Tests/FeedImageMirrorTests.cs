using System.Text;
using Lookalike.Feeds.Http;
using Lookalike.Hosting.Feeds;
using Lookalike.TestKit;

namespace Lookalike.Feeds.Tests;

public class FeedImageMirrorTests(HostileImageServer server) : IClassFixture<HostileImageServer>
{
    private static readonly FetchOptions Options = new()
    {
        MaxRetries = 1,
        RetryDelay = TimeSpan.FromMilliseconds(5),
        AttemptTimeout = TimeSpan.FromSeconds(2),
        MaxBytes = 2L << 20,
        PerHostInterval = TimeSpan.Zero,
    };

    private FeedContent Feed(IEnumerable<(string Id, string Path)> rows) =>
        FeedReader.Read(new MemoryStream(Encoding.UTF8.GetBytes("id,image_link,title\n" + string.Concat(rows.Select(r => $"{r.Id},{server.Url(r.Path)},Title {r.Id}\n")))),
            "feed.csv", new FeedColumns());

    private async Task<FeedMirrorResult> Sync(string folder, FeedContent feed, bool prune = false)
    {
        using var fetcher = new ImageFetcher(Options);
        return await new FeedImageMirror(folder, fetcher, concurrency: 4).SyncAsync(feed.Records, prune);
    }

    [Fact]
    public async Task Sync_HostileFeed_MirrorsTheGoodAndReportsEveryBadUrl()
    {
        using var temp = new TempDirectory();
        var photos = server.Photos.Keys.Order(StringComparer.Ordinal).Take(4).ToList();
        var feed = Feed([
            .. photos.Select((name, i) => ($"P{i}", $"photos/{name}")),
            ("missing", "status/404"), ("broken", "status/500"), ("slow", "slow"), ("endless", "endless"),
            ("html", "html"), ("loop", "loop/a"), ("metadata", "to-metadata"), ("file", "to-file")]);

        var result = await Sync(temp.Path, feed);

        Assert.Equal(4, result.Fetched);
        Assert.Equal(["P0.jpg", "P1.jpg", "P2.jpg", "P3.jpg"], result.Labels.Keys.Select(k => k.Value).Order(StringComparer.Ordinal));
        Assert.Equal("Title P2", result.Labels[Core.Catalog.ItemId.Parse("P2.jpg")]["title"]);
        Assert.Equal(server.Photos[photos[1]], File.ReadAllBytes(temp.Combine("P1.jpg")));
        var failures = result.Failures.ToDictionary(f => f.Id);
        Assert.Equal(8, failures.Count);
        Assert.Equal(404, failures["missing"].Status);
        Assert.Equal(500, failures["broken"].Status);
        Assert.Contains("did not arrive", failures["slow"].Reason);
        Assert.Contains("passed the limit", failures["endless"].Reason);
        Assert.Contains("not an image", failures["html"].Reason);
        Assert.Contains("text/html", failures["html"].Reason);
        Assert.Contains("redirect loop", failures["loop"].Reason);
        Assert.Equal("169.254.169.254 is the cloud metadata address: refused", failures["metadata"].Reason);
        Assert.Contains("file:// is refused", failures["file"].Reason);
        Assert.All(failures.Values, f => Assert.False(f.KeptPrevious));
        // Only the mirrored images are in the folder (and the hidden state file).
        Assert.Equal(["P0.jpg", "P1.jpg", "P2.jpg", "P3.jpg"], Directory.GetFiles(temp.Path).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Sync_Again_AsksConditionallyAndFetchesOnlyWhatChanged()
    {
        using var temp = new TempDirectory();
        var photos = server.Photos.Keys.Order(StringComparer.Ordinal).Skip(4).Take(3).ToList();
        // Each test serves its own copies, so replacing one does not touch another test's photo.
        for (int i = 0; i < photos.Count; i++) server.Replace($"c{i}.jpg", server.Photos[photos[i]]);
        var feed = Feed(Enumerable.Range(0, 3).Select(i => ($"C{i}", $"photos/c{i}.jpg")));

        var first = await Sync(temp.Path, feed);
        Assert.Equal(3, first.Fetched);
        var written = File.GetLastWriteTimeUtc(temp.Combine("C0.jpg"));

        var second = await Sync(temp.Path, feed);
        Assert.Equal((0, 3), (second.Fetched, second.NotModified));
        Assert.Equal(written, File.GetLastWriteTimeUtc(temp.Combine("C0.jpg"))); // untouched: the indexer skips it unread
        Assert.Equal(1, server.NotModifiedAnswers["c0.jpg"]);

        server.Replace("c1.jpg", server.Photos[photos[0]]); // the product's photo changed on the server
        var third = await Sync(temp.Path, feed);
        Assert.Equal((1, 2), (third.Fetched, third.NotModified));
        Assert.Equal(server.Photos[photos[0]], File.ReadAllBytes(temp.Combine("C1.jpg")));
    }

    [Fact]
    public async Task Sync_ProductGoneFromFeed_IsKeptUnlessPruned()
    {
        using var temp = new TempDirectory();
        var photos = server.Photos.Keys.Order(StringComparer.Ordinal).Skip(7).Take(3).ToList();
        var full = Feed(photos.Select((name, i) => ($"G{i}", $"photos/{name}")));
        await Sync(temp.Path, full);
        var shorter = Feed(photos.Take(1).Select(name => ("G0", $"photos/{name}")));

        var kept = await Sync(temp.Path, shorter);
        Assert.Equal(3, kept.Labels.Count);
        Assert.Equal("Title G2", kept.Labels[Core.Catalog.ItemId.Parse("G2.jpg")]["title"]); // metadata kept too

        var pruned = await Sync(temp.Path, shorter, prune: true);
        Assert.Equal(2, pruned.Pruned);
        Assert.Equal(["G0.jpg"], pruned.Labels.Keys.Select(k => k.Value));
        Assert.False(File.Exists(temp.Combine("G1.jpg")));
    }

    [Fact]
    public async Task Sync_FailureAfterAnEarlierSuccess_KeepsThePreviousImage()
    {
        using var temp = new TempDirectory();
        string name = server.Photos.Keys.Order(StringComparer.Ordinal).Last();
        server.Replace("k.jpg", server.Photos[name]);
        var feed = Feed([("K", "photos/k.jpg")]);
        await Sync(temp.Path, feed);
        server.Photos.TryRemove("k.jpg", out _); // now a 404

        var result = await Sync(temp.Path, feed);
        var failure = Assert.Single(result.Failures);
        Assert.Equal((404, true), (failure.Status, failure.KeptPrevious));
        Assert.True(File.Exists(temp.Combine("K.jpg")));
        Assert.Single(result.Labels);
    }
}
