using System.Diagnostics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.Hosting.Reliability;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// Kills the real <c>lookalike compact</c> process with SIGKILL while it rewrites a store's vector file (the moment it
/// announces the copy, then at seeded moments after it), and checks after every kill that the store opens with every
/// item, the same vectors and the same answers (ids and scores) and verifies healthy; then lets a compaction finish and
/// checks the same again, plus that the file is back to the live rows and no leftover file remains. And a running
/// <c>lookalike serve</c> (Kestrel, its own process) keeps answering the same while another process compacts its store.
/// </summary>
public sealed class CompactionCrashTests(ITestOutputHelper output) : IDisposable
{
    private const int Items = 120_000;
    private const int Dimension = 64;
    private const int MaxKills = 6;
    private static readonly ModelId Model = new("synthetic@00000000");
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(4);
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Compact_KilledMidway_StoreKeepsEveryItemAndAnswer_ThenCompactsCleanly()
    {
        string store = _dir.Combine("store");
        var queries = new SyntheticVectors(Dimension, clusters: 50, seed: 77).Generate(20, stream: 3);
        BuildReindexed(store, Items);
        var (vectors, answers) = Snapshot(store, queries);
        Assert.Equal(Items, vectors.Count);

        var rng = new Random(SoakSettings.CrashSeed);
        for (int kill = 1; kill <= MaxKills; kill++)
        {
            // The first kill lands on the line that says the new file exists and the copy begins (well before the
            // commit: the copy, its fsync and 120,000 row updates follow); later ones at seeded moments after the run
            // announced the compaction (reading the items, copying, updating, committing, removing the old file).
            int delay = kill == 1 ? 0 : rng.Next(0, 5000);
            using var run = kill == 1
                ? CliProcess.Start(_dir.Path, line => line.StartsWith("compact: writing", StringComparison.Ordinal), "compact", "--store", store)
                : CliProcess.Start(_dir.Path, "compact", "--store", store);
            if (kill > 1)
            {
                var started = Stopwatch.StartNew();
                while (!run.Process.HasExited && !run.Stderr.Contains("compact: copying", StringComparison.Ordinal))
                {
                    if (started.Elapsed > RunLimit) throw new TimeoutException("compact did not start copying");
                    run.Process.WaitForExit(10);
                }
                if (!run.Process.WaitForExit(delay)) run.Kill();
            }
            Assert.True(run.Process.WaitForExit(RunLimit), "compact did not finish");
            run.Process.WaitForExit();
            bool killed = run.Process.ExitCode != 0;
            string named = VectorFileNamed(store);
            string[] files = VectorFiles(store);
            output.WriteLine($"kill {kill} ({delay} ms after the compaction was announced): {(killed ? "killed" : "finished first")}; store names {named}; files {string.Join(", ", files)}");
            if (kill == 1)
            {
                Assert.True(killed && run.KilledOnLine is not null, $"the first run was not killed: exit {run.Process.ExitCode}\n{run.Stderr}");
                Assert.Equal("vectors.f32", named); // killed before its commit: the old file is still the store's…
                Assert.Contains("vectors.1.f32", files); // …and the new one lies there half-written, named by nothing
            }
            AssertIntact(store, vectors, queries, answers);
            if (named != "vectors.f32") break; // the switch committed: nothing left to interrupt
        }

        var compact = CliProcess.Run(_dir.Path, RunLimit, "compact", "--store", store, "--json");
        Assert.True(compact.ExitCode == 0, compact.Stderr);
        AssertIntact(store, vectors, queries, answers);
        string current = VectorFileNamed(store);
        Assert.Equal([current], VectorFiles(store));
        long fileBytes = new FileInfo(Path.Combine(store, current)).Length;
        Assert.Equal(64 + (long)Items * Dimension * sizeof(float), fileBytes);
        var verify = CliProcess.Run(_dir.Path, RunLimit, "verify", "--store", store);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    [Fact]
    public async Task Serve_KeepsAnsweringTheSame_WhileAnotherProcessCompactsItsStore()
    {
        const int items = 20_000;
        string store = _dir.Combine("served");
        BuildReindexed(store, items);
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var serve = CliProcess.Start(_dir.Path, "serve", "--store", store, "--index", "exact", "--urls", $"http://127.0.0.1:{port}",
            "--rate-limit", "off", "--similar-rate-limit", "off");
        var started = Stopwatch.StartNew();
        while (!serve.Stderr.Contains("serving ", StringComparison.Ordinal))
        {
            Assert.False(serve.Process.HasExited, serve.Stderr);
            if (started.Elapsed > RunLimit) throw new TimeoutException("serve did not start");
            serve.Process.WaitForExit(20);
        }
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        string[] paths = Enumerable.Range(0, 12).Select(i => $"synthetic%2F{i * 1601 % items:D7}")
            .SelectMany(id => new[] { $"/api/items/{id}/similar?k=10", $"/api/items/{id}" }).ToArray();
        async Task<string[]> Read() => await Task.WhenAll(paths.Select(async path =>
        {
            using var response = await client.GetAsync(path);
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }));
        var before = await Read();
        Assert.All(before, answer => Assert.StartsWith("200 ", answer, StringComparison.Ordinal));

        var compact = CliProcess.Run(_dir.Path, RunLimit, "compact", "--store", store);
        Assert.True(compact.ExitCode == 0, compact.Stderr);
        Assert.Equal(["vectors.1.f32"], VectorFiles(store)); // the file the server has mapped is unlinked

        Assert.Equal(before, await Read());
        Assert.False(serve.Process.HasExited, serve.Stderr);
        serve.Kill();
        var verify = CliProcess.Run(_dir.Path, RunLimit, "verify", "--store", store);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    /// <summary>Every item written twice (a re-embedding): the vector file holds twice the live rows.</summary>
    private static void BuildReindexed(string location, int items)
    {
        using var store = SqliteCatalogStore.Open(location, create: true);
        store.BindModel(Model, Dimension);
        for (int pass = 0; pass < 2; pass++)
        {
            var data = new SyntheticVectors(Dimension, clusters: 50, seed: 11 + pass).Generate(items, stream: 0);
            const int batch = 20_000;
            for (int first = 0; first < items; first += batch)
            {
                store.Upsert(Enumerable.Range(first, Math.Min(batch, items - first)).Select(i => new CatalogItem
                {
                    Id = ItemId.Parse($"synthetic/{i:D7}"), Path = $"synthetic/{i:D7}", ContentHash = $"pass{pass}-{i}", SizeBytes = 1,
                    ModifiedUtc = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), Model = Model,
                    Vector = data.AsMemory(i * Dimension, Dimension),
                }).ToList());
            }
        }
        Assert.Equal((2L * items, (long)items), (store.GetVectorUsage()!.Rows, store.GetVectorUsage()!.LiveRows));
    }

    private static (Dictionary<ItemId, float[]> Vectors, List<(string, float)[]> Answers) Snapshot(string location, float[] queries)
    {
        using var store = SqliteCatalogStore.Open(location, create: false);
        var vectors = store.ReadAll(withVectors: true).ToDictionary(i => i.Id, i => i.Vector.ToArray());
        using var index = new MappedExactIndex(store.OpenVectors()!);
        var answers = new List<(string, float)[]>();
        for (int q = 0; q < queries.Length / Dimension; q++)
            answers.Add(index.Search(queries.AsSpan(q * Dimension, Dimension), new SearchRequest(10)).Select(h => (h.Id.Value, h.Score)).ToArray());
        SqliteConnection.ClearAllPools();
        return (vectors, answers);
    }

    private static void AssertIntact(string location, Dictionary<ItemId, float[]> vectors, float[] queries, List<(string, float)[]> answers)
    {
        var health = StoreVerifier.Verify(location);
        Assert.True(health.Healthy, string.Join("\n", health.Findings));
        var (now, nowAnswers) = Snapshot(location, queries);
        Assert.Equal(vectors.Count, now.Count);
        foreach (var (id, vector) in vectors) Assert.Equal(vector, now[id]);
        Assert.Equal(answers, nowAnswers);
    }

    private static string VectorFileNamed(string location)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(location, "catalog.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM store_meta WHERE key = 'vector_file';";
        return (string)command.ExecuteScalar()!;
    }

    private static string[] VectorFiles(string location) =>
        Directory.GetFiles(location, "vectors*.f32").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
