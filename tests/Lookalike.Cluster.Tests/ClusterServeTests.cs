using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lookalike.Hosting;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// <c>index DIR --cluster</c> (the silos embed; a re-run embeds nothing) and <c>serve --cluster</c>: two real servers (Kestrel, child processes) over a cluster of two real silo processes answer
/// every read — an item, the listing, look-alikes of an item with and without <c>where</c>, an uploaded photo — exactly
/// as a server over a single store holding the same items (the real model on real photos), and a write through one
/// server is what the other serves next — feedback and the recommendations made from it included.
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
        // A folder of real photos with labels, indexed into a single store by `index` and into the cluster by
        // `index --cluster` (embedded on the silos, which read the same path).
        string catalog = _temp.Combine("catalog"), labelsFile = _temp.Combine("labels.csv");
        Directory.CreateDirectory(Path.Combine(catalog, "images"));
        var items = new List<Seed>();
        foreach (string photo in Enumerable.Range(0, Seeded).Select(i => photos[i * 6]))
        {
            File.Copy(photo, Path.Combine(catalog, "images", Path.GetFileName(photo)));
            items.Add(new Seed($"images/{Path.GetFileName(photo)}", labels[Path.GetFileName(photo)]));
        }
        await File.WriteAllLinesAsync(labelsFile, ["file,class", .. items.Select(i => $"{i.Id},{i.Class}")]);
        string local = _temp.Combine("local");
        // The cluster's model, named: a new store's default precision depends on the CPU (int8 where it has VNNI).
        var indexed = await LocalCluster.RunAsync("index", catalog, "--store", local, "--labels", labelsFile, "--model", LookalikeComponents.DefaultModel);
        Assert.True(indexed.ExitCode == 0, indexed.Output);
        using var cluster = new LocalCluster(_redis.NewCluster("serve"), silos: 2);
        await cluster.StartAllAsync();
        var init = await LocalCluster.RunAsync("cluster", "init", "--cluster", cluster.Connection, "--shards", "3", "--replicas", "2", "--model", LookalikeComponents.DefaultModel);
        Assert.True(init.ExitCode == 0, init.Output);
        indexed = await LocalCluster.RunAsync("index", catalog, "--cluster", cluster.Connection, "--labels", labelsFile, "--json");
        Assert.True(indexed.ExitCode == 0, indexed.Output);
        var summary = JsonDocument.Parse(indexed.Stdout).RootElement;
        Assert.Equal((Seeded, Seeded, 0), (summary.GetProperty("files").GetInt32(), summary.GetProperty("added").GetInt32(), summary.GetProperty("unchanged").GetInt32()));
        // Again: nothing is embedded twice.
        indexed = await LocalCluster.RunAsync("index", catalog, "--cluster", cluster.Connection, "--labels", labelsFile, "--json");
        Assert.True(indexed.ExitCode == 0, indexed.Output);
        summary = JsonDocument.Parse(indexed.Stdout).RootElement;
        Assert.Equal((0, Seeded), (summary.GetProperty("added").GetInt32() + summary.GetProperty("updated").GetInt32(), summary.GetProperty("unchanged").GetInt32()));

        var info = await LocalCluster.RunAsync("info", "--cluster", cluster.Connection, "--json");
        Assert.True(info.ExitCode == 0, info.Output);
        var infoJson = JsonDocument.Parse(info.Stdout).RootElement;
        Assert.Equal(Seeded, infoJson.GetProperty("items").GetInt32());
        Assert.StartsWith(LookalikeComponents.DefaultModel + "@", infoJson.GetProperty("model").GetString(), StringComparison.Ordinal);
        Assert.Equal(["class"], infoJson.GetProperty("metadata_columns").EnumerateArray().Select(c => c.GetString()));

        using var single = await StartServerAsync("--store", local);
        using var first = await StartServerAsync("--cluster", cluster.Connection, "--store", _temp.Combine("serve-a"));
        using var second = await StartServerAsync("--cluster", cluster.Connection, "--store", _temp.Combine("serve-b"));

        // Reads: every answer equal to the single store's (ids, order, scores, metadata).
        string[] reads =
        [
            .. items.Take(8).Select(i => $"/api/items/{Uri.EscapeDataString(i.Id)}/similar?k=10"),
            .. items.Take(4).Select(i => $"/api/items/{Uri.EscapeDataString(i.Id)}/similar?k=5&where=class:{i.Class}"),
            $"/api/items/{Uri.EscapeDataString(items[3].Id)}",
            "/api/items?page=1&pageSize=10",
            "/api/items?page=2&pageSize=10&where=class:dress",
            $"/api/items/{Uri.EscapeDataString("photos/nope.jpg")}",
            $"/api/items/{Uri.EscapeDataString(items[0].Id)}/similar?k=5&where=colour:red",
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

        // Feedback through one cluster server, the same events in the same order as to the single store: the other cluster
        // server, and recommend --cluster, recommend exactly what the single store does.
        for (int u = 0; u < 4; u++)
        {
            var events = Enumerable.Range(0, 5).Select(e => new
            {
                kind = (u + e) % 3 == 0 ? "like" : "purchase",
                item = items[(u * 7 + e * 5) % items.Count].Id,
                time = new DateTimeOffset(2026, 11, 1 + u, e, 0, 0, TimeSpan.Zero),
            }).ToArray();
            string body = JsonSerializer.Serialize(events);
            Assert.Equal(await PostJsonAsync(single, $"/api/users/u{u}/feedback", body), await PostJsonAsync(first, $"/api/users/u{u}/feedback", body));
        }
        string[] recommendations =
        [
            .. Enumerable.Range(0, 4).Select(u => $"/api/users/u{u}/recommendations?k=6"),
            "/api/users/u1/recommendations?k=6&strategy=itemknn",
            "/api/users/u2/recommendations?k=6&strategy=visual",
            "/api/users/u3/feedback",
            $"/api/items/{Uri.EscapeDataString(items[7].Id)}/also?k=5",
        ];
        foreach (string read in recommendations)
        {
            string expected = await GetAsync(single, read);
            Assert.StartsWith("200 ", expected, StringComparison.Ordinal);
            Assert.Equal(expected, await GetAsync(first, read));
            Assert.Equal(expected, await GetAsync(second, read));
        }
        var localRecommend = await LocalCluster.RunAsync("recommend", "--user", "u2", "--store", local, "--json");
        var clusterRecommend = await LocalCluster.RunAsync("recommend", "--user", "u2", "--cluster", cluster.Connection, "--json");
        Assert.True(clusterRecommend.ExitCode == 0, clusterRecommend.Output);
        Assert.Equal(localRecommend.Stdout, clusterRecommend.Stdout);

        // report --cluster: the same page as from the single store, but for the name of where the items are.
        string localReport = _temp.Combine("local.html"), clusterReport = _temp.Combine("cluster.html");
        var reported = await LocalCluster.RunAsync("report", items[2].Id, items[9].Id, "--where", "class=dress", "--store", local, "-o", localReport);
        Assert.True(reported.ExitCode == 0, reported.Output);
        reported = await LocalCluster.RunAsync("report", items[2].Id, items[9].Id, "--where", "class=dress", "--cluster", cluster.Connection, "-o", clusterReport);
        Assert.True(reported.ExitCode == 0, reported.Output);
        Assert.Equal((await File.ReadAllTextAsync(localReport)).Replace(local, "STORE", StringComparison.Ordinal),
            (await File.ReadAllTextAsync(clusterReport)).Replace(cluster.Connection, "STORE", StringComparison.Ordinal));

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

        string removed = $"/api/items/{Uri.EscapeDataString(items[5].Id)}";
        Assert.Equal(HttpStatusCode.NoContent, (await single.DeleteAsync(removed)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await second.DeleteAsync(removed)).StatusCode);
        Assert.Equal(await GetAsync(single, removed), await GetAsync(first, removed)); // 404 on both
        foreach (string read in reads.Take(8).Append("/api/items?page=1&pageSize=50"))
            Assert.Equal(await GetAsync(single, read), await GetAsync(first, read));
        output.WriteLine($"{reads.Length + 14} answers of two cluster servers equal to a single-store server's");
    }

    private sealed record Seed(string Id, string Class);

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
        await Answer(await client.PostAsync("/api/search", UploadForm.Image(photo, "outside.jpg", fields)));

    private static async Task<string> AddAsync(HttpClient client, byte[] photo) =>
        await Answer(await client.PostAsync("/api/items", UploadForm.Image(photo, "added.jpg", ("class", "added"))));

    private static async Task<string> PostJsonAsync(HttpClient client, string path, string json) =>
        await Answer(await client.PostAsync(path, new StringContent(json, System.Text.Encoding.UTF8, "application/json")));


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
