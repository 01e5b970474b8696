using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lookalike.Cluster.Client;
using Lookalike.Core.Catalog;
using Lookalike.Hosting;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// <c>serve --cluster</c>: two real servers (Kestrel, child processes) over a cluster of two real silo processes answer
/// every read — an item, the listing, look-alikes of an item with and without <c>where</c>, an uploaded photo — exactly
/// as a server over a single store holding the same items (the real model on real photos), and a write through one
/// server is what the other serves next.
/// </summary>
[Collection(nameof(ClusterProcessTests))]
public sealed class ClusterServeTests(ITestOutputHelper output) : IDisposable
{
    private const int Seeded = 36;
    private readonly RedisServer _redis = new();
    private readonly TempDirectory _temp = new();
    private readonly List<ChildProcess> _servers = [];

    [SkippableFact]
    public async Task ServeCluster_AnswersAsASingleStoreServer_AndServersShareWrites()
    {
        await _redis.EnsureStartedAsync();
        var photos = RepositoryPaths.SampleImages();
        var labels = File.ReadLines(RepositoryPaths.SampleLabels).Skip(1).Select(l => l.Split(','))
            .ToDictionary(f => Path.GetFileName(f[0]), f => f[1], StringComparer.Ordinal);
        var seeded = Enumerable.Range(0, Seeded).Select(i => photos[i * 6]).ToList();
        var items = Embed(seeded, labels);

        // The single store and the cluster get the same items, embedded once by the real model.
        string local = _temp.Combine("local");
        using (var store = LookalikeComponents.OpenStore(local, create: true))
        {
            store.BindModel(items[0].Model, items[0].Vector.Length);
            store.Upsert(items);
        }
        using var cluster = new LocalCluster(_redis.NewCluster("serve"), silos: 2);
        await cluster.StartAllAsync();
        var init = await LocalCluster.RunAsync("cluster", "init", "--cluster", cluster.Connection, "--shards", "3", "--replicas", "2", "--model", LookalikeComponents.DefaultModel);
        Assert.True(init.ExitCode == 0, init.Output);
        await using (var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection)))
            await session.Writer.UpsertAsync(items);

        var info = await LocalCluster.RunAsync("info", "--cluster", cluster.Connection, "--json");
        Assert.True(info.ExitCode == 0, info.Output);
        var infoJson = JsonDocument.Parse(info.Stdout).RootElement;
        Assert.Equal(Seeded, infoJson.GetProperty("items").GetInt32());
        Assert.Equal(items[0].Model.Value, infoJson.GetProperty("model").GetString());
        Assert.Equal(["class"], infoJson.GetProperty("metadata_columns").EnumerateArray().Select(c => c.GetString()));

        using var single = await StartServerAsync("--store", local);
        using var first = await StartServerAsync("--cluster", cluster.Connection, "--store", _temp.Combine("serve-a"));
        using var second = await StartServerAsync("--cluster", cluster.Connection, "--store", _temp.Combine("serve-b"));

        // Reads: every answer equal to the single store's (ids, order, scores, metadata).
        string[] reads =
        [
            .. items.Take(8).Select(i => $"/api/items/{Uri.EscapeDataString(i.Id.Value)}/similar?k=10"),
            .. items.Take(4).Select(i => $"/api/items/{Uri.EscapeDataString(i.Id.Value)}/similar?k=5&where=class:{i.Metadata["class"]}"),
            $"/api/items/{Uri.EscapeDataString(items[3].Id.Value)}",
            "/api/items?page=1&pageSize=10",
            "/api/items?page=2&pageSize=10&where=class:dress",
            $"/api/items/{Uri.EscapeDataString("photos/nope.jpg")}",
            $"/api/items/{Uri.EscapeDataString(items[0].Id.Value)}/similar?k=5&where=colour:red",
        ];
        foreach (string read in reads)
        {
            string expected = await GetAsync(single, read);
            Assert.Equal(expected, await GetAsync(first, read));
            Assert.Equal(expected, await GetAsync(second, read));
        }
        // An outside photo, embedded once by each server.
        byte[] outside = await File.ReadAllBytesAsync(photos[1]);
        string photoAnswer = await SearchAsync(single, outside, ("k", "10"));
        Assert.Contains("\"results\":[{", photoAnswer, StringComparison.Ordinal);
        Assert.Equal(photoAnswer, await SearchAsync(first, outside, ("k", "10")));
        Assert.Equal(await SearchAsync(single, outside, ("k", "4"), ("where", "class:dress")), await SearchAsync(second, outside, ("k", "4"), ("where", "class:dress")));
        // The page.
        using (var page = await first.GetAsync("/"))
            Assert.True(page.IsSuccessStatusCode && (await page.Content.ReadAsStringAsync()).Contains("<html", StringComparison.OrdinalIgnoreCase), "the web page");

        // Writes through one server are what the other serves.
        byte[] added = await File.ReadAllBytesAsync(photos[2]);
        string createdSingle = await AddAsync(single, added), createdFirst = await AddAsync(first, added);
        Assert.Equal(createdSingle, createdFirst);
        Assert.StartsWith("201 ", createdFirst, StringComparison.Ordinal);
        string addedId = JsonNode.Parse(createdFirst[4..])!["id"]!.GetValue<string>();
        string addedPath = $"/api/items/{Uri.EscapeDataString(addedId)}";
        Assert.Equal(await GetAsync(single, addedPath), await GetAsync(second, addedPath));
        Assert.Equal(await SearchAsync(single, outside, ("k", "10")), await SearchAsync(second, outside, ("k", "10")));
        Assert.Equal(await GetAsync(single, addedPath + "/similar?k=10"), await GetAsync(second, addedPath + "/similar?k=10"));

        string removed = $"/api/items/{Uri.EscapeDataString(items[5].Id.Value)}";
        Assert.Equal(HttpStatusCode.NoContent, (await single.DeleteAsync(removed)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await second.DeleteAsync(removed)).StatusCode);
        Assert.Equal(await GetAsync(single, removed), await GetAsync(first, removed)); // 404 on both
        foreach (string read in reads.Take(8).Append("/api/items?page=1&pageSize=50"))
            Assert.Equal(await GetAsync(single, read), await GetAsync(first, read));
        output.WriteLine($"{reads.Length + 14} answers of two cluster servers equal to a single-store server's");
    }

    private static List<CatalogItem> Embed(IReadOnlyList<string> photos, Dictionary<string, string> labels)
    {
        using var embedder = LookalikeComponents.CreateEmbedder(LookalikeComponents.DefaultModel);
        var decoder = LookalikeComponents.CreateDecoder();
        var items = new List<CatalogItem>();
        foreach (string photo in photos)
        {
            byte[] bytes = File.ReadAllBytes(photo);
            var vector = new float[embedder.Dimension];
            embedder.Embed(decoder.Decode(bytes, photo, embedder.Target), vector);
            items.Add(new CatalogItem
            {
                Id = ItemId.Parse($"photos/{Path.GetFileName(photo)}"),
                Path = photo,
                ContentHash = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                SizeBytes = bytes.Length,
                ModifiedUtc = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
                Metadata = new Dictionary<string, string> { ["class"] = labels[Path.GetFileName(photo)] },
                Model = embedder.Model,
                Vector = vector,
            });
        }
        return items;
    }

    private async Task<HttpClient> StartServerAsync(params string[] args)
    {
        int port = RedisServer.FreePort();
        var server = ChildProcess.Lookalike(["serve", .. args, "--urls", $"http://127.0.0.1:{port}", "--rate-limit", "off", "--similar-rate-limit", "off"]);
        _servers.Add(server);
        await server.WaitForLineAsync(l => l.StartsWith("serving ", StringComparison.Ordinal), LocalCluster.StartTimeout);
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(120) };
    }

    /// <summary>Status and body, with file paths (which name each server's own folders) left out.</summary>
    private static async Task<string> GetAsync(HttpClient client, string path) => await Answer(await client.GetAsync(path));

    private static async Task<string> SearchAsync(HttpClient client, byte[] photo, params (string Name, string Value)[] fields) =>
        await Answer(await client.PostAsync("/api/search", Form(photo, "outside.jpg", fields)));

    private static async Task<string> AddAsync(HttpClient client, byte[] photo) =>
        await Answer(await client.PostAsync("/api/items", Form(photo, "added.jpg", ("class", "added"))));

    private static MultipartFormDataContent Form(byte[] bytes, string fileName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", fileName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    private static async Task<string> Answer(HttpResponseMessage response)
    {
        using (response)
        {
            string body = await response.Content.ReadAsStringAsync();
            if (response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) != true) return $"{(int)response.StatusCode} {body}";
            var node = JsonNode.Parse(body);
            WithoutPaths(node);
            if (node is JsonObject problem) problem.Remove("traceId");
            return $"{(int)response.StatusCode} {node?.ToJsonString()}";
        }
    }

    private static void WithoutPaths(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                o.Remove("path");
                o.Remove("modifiedUtc");
                foreach (var (_, child) in o.ToList()) WithoutPaths(child);
                break;
            case JsonArray a:
                foreach (var child in a) WithoutPaths(child);
                break;
        }
    }

    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        _temp.Dispose();
        _redis.Dispose();
    }
}
