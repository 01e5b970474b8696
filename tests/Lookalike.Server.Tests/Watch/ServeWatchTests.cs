using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lookalike.Core.Errors;
using Lookalike.Server.Tests.Support;
using Lookalike.TestKit;
using static Lookalike.Server.Tests.Support.ApiFixture;

namespace Lookalike.Server.Tests.Watch;

/// <summary>
/// <c>serve --watch DIR</c> on a real Kestrel over a real folder: a photo copied into the folder is answered by the API
/// (its item, its look-alikes, photo search finds it) without a restart; a deleted one disappears; items added by
/// upload survive the folder's syncs. Waiting polls the API up to a deadline.
/// </summary>
public sealed class ServeWatchTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private SampleCatalog _catalog = null!;
    private KestrelApp _app = null!;

    public async Task InitializeAsync()
    {
        _catalog = SampleCatalog.Build(perClass: 2);
        _app = await KestrelApp.StartAsync(_catalog.Store, o =>
        {
            o.Watch = _catalog.Folder;
            o.WatchQuietSeconds = 0.2;
            o.UploadRateLimit = "off";
            o.SimilarRateLimit = "off";
        });
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _catalog.Dispose();
    }

    [Fact]
    public async Task PhotoAddedToTheFolder_AnsweredWithoutRestart_DeletedOne_Gone()
    {
        using var client = _app.Client();
        var (outside, label) = _catalog.Outside[0];
        byte[] photo = await File.ReadAllBytesAsync(outside);
        // An uploaded item is in the store but not in the folder: the syncs must leave it alone.
        var (other, _) = _catalog.Outside[1];
        using var uploaded = await client.PostAsync("/api/items", UploadForm.Image(await File.ReadAllBytesAsync(other), "mine.jpg", ("class", label)));
        uploaded.EnsureSuccessStatusCode();
        string uploadedId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        const string id = "images/watched-new.jpg";
        File.Copy(outside, Path.Combine(_catalog.Folder, "images", "watched-new.jpg"));

        await UntilAsync(client, ItemPath(id), HttpStatusCode.OK);
        using (var search = await client.PostAsync("/api/search", UploadForm.Image(photo, "same.jpg", ("k", "3"))))
        {
            search.EnsureSuccessStatusCode();
            var top = (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results")[0];
            Assert.Equal(id, top.GetProperty("id").GetString());
            Assert.True(top.GetProperty("score").GetSingle() > 0.99f);
        }
        using (var similar = await client.GetAsync(ItemPath(id) + "/similar?k=3"))
        {
            similar.EnsureSuccessStatusCode();
            Assert.Equal(3, (await similar.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").GetArrayLength());
        }

        File.Delete(Path.Combine(_catalog.Folder, "images", "watched-new.jpg"));

        await UntilAsync(client, ItemPath(id), HttpStatusCode.NotFound);
        using (var search = await client.PostAsync("/api/search", UploadForm.Image(photo, "same.jpg", ("k", "10"))))
        {
            search.EnsureSuccessStatusCode();
            var results = (await search.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("results").EnumerateArray();
            Assert.DoesNotContain(id, results.Select(r => r.GetProperty("id").GetString()));
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ItemPath(uploadedId))).StatusCode);
        foreach (var (indexed, _) in _catalog.Items)
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(ItemPath(indexed))).StatusCode);
    }

    [Fact]
    public async Task Watch_AnotherFolderThanTheStoresOwn_StartFailsNamingBoth()
    {
        using var elsewhere = new TempDirectory();
        var error = await Assert.ThrowsAsync<LookalikeException>(() => KestrelApp.StartAsync(_catalog.Store, o => o.Watch = elsewhere.Path));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(_catalog.Folder, error.Message, StringComparison.Ordinal);
        Assert.Contains(elsewhere.Path, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Polls <paramref name="path"/> until it answers <paramref name="expected"/>; fails after <see cref="Deadline"/>.</summary>
    private static async Task UntilAsync(HttpClient client, string path, HttpStatusCode expected)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode last;
        while (true)
        {
            using (var response = await client.GetAsync(path)) last = response.StatusCode;
            if (last == expected) return;
            Assert.True(clock.Elapsed < Deadline, $"{path} still answered {(int)last} after {Deadline.TotalSeconds} s, expected {(int)expected}");
            await Task.Delay(50); // poll interval, not a wait for the result
        }
    }
}
