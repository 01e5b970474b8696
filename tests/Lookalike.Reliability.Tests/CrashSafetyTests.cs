using System.Diagnostics;
using Lookalike.Hosting.Reliability;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// Kills the real <c>lookalike index</c> process with SIGKILL in every phase of a run — during start-up and model load,
/// after the model is loaded but before this run's first commit, mid-batch (seeded moments), and during the HNSW
/// refresh that ends the run — resumes it each time, and compares the result with a clean run: same items, same
/// vectors, no duplicates, no losses, a healthy store (its vector file included: header, length, checksum, every
/// item's row) and a valid index cache.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private const string Spec = "hnsw(m=8,efc=32,ef=32)";
    private const int AttemptsPerPhase = 6;

    // The refresh of a 60-item graph takes milliseconds, so a kill on its first line can arrive after it: more tries.
    // IndexRefresh_KilledWhileBuildingHnsw_RebuildsAndVerifies kills a build that lasts seconds.
    private const int AttemptsForRefresh = 12;
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(8);
    private readonly TempDirectory _dir = new();

    private enum Phase { StartUp, BeforeFirstCommit, MidBatch, HnswRefresh }

    [Fact]
    public void Index_KilledInEveryPhaseAndResumed_EqualsCleanRun()
    {
        int images = SoakSettings.CrashImages;
        string folder = BuildCorpus(images);
        string[] Index(string store) => ["index", folder, "--store", store, "--json", "--index", Spec];

        var clock = Stopwatch.StartNew();
        var clean = CliProcess.Run(_dir.Path, RunLimit, Index("clean"));
        Assert.True(clean.ExitCode == 0, clean.Stderr);
        output.WriteLine($"clean run: {images} images in {clock.Elapsed.TotalSeconds:0.0} s");

        Phase[] plan = [Phase.StartUp, Phase.BeforeFirstCommit, .. Enumerable.Repeat(Phase.MidBatch, Math.Max(1, SoakSettings.CrashKills - 3)), Phase.HnswRefresh];
        string crashed = _dir.Combine("crashed");
        var rng = new Random(SoakSettings.CrashSeed);
        int lastCount = 0;
        var startUpDelay = TimeSpan.FromMilliseconds(rng.Next(0, 600));
        foreach (var (phase, number) in plan.Select((p, i) => (p, i + 1)))
        {
            bool landed = false;
            int attempts = phase == Phase.HnswRefresh ? AttemptsForRefresh : AttemptsPerPhase;
            for (int attempt = 1; attempt <= attempts && !landed; attempt++)
            {
                int target = lastCount + Math.Max(1, (int)((images - lastCount) * (0.05 + rng.NextDouble() * 0.35)));
                using var run = phase switch
                {
                    Phase.BeforeFirstCommit => CliProcess.Start(_dir.Path, line => line.StartsWith("model ", StringComparison.Ordinal), Index("crashed")),
                    Phase.HnswRefresh => CliProcess.Start(_dir.Path, line => line.StartsWith("index: building", StringComparison.Ordinal), Index("crashed")),
                    _ => CliProcess.Start(_dir.Path, Index("crashed")),
                };
                var started = Stopwatch.StartNew();
                if (phase == Phase.StartUp)
                {
                    if (!run.Process.WaitForExit(startUpDelay)) run.Kill();
                }
                else if (phase == Phase.MidBatch)
                {
                    while (!run.Process.HasExited && StoreProbe.CountItems(crashed) < target)
                    {
                        if (started.Elapsed > RunLimit) throw new TimeoutException("index run did not progress");
                        run.Process.WaitForExit(20);
                    }
                    if (!run.Process.WaitForExit(rng.Next(0, 300))) run.Kill(); // lands anywhere in the next batch
                }
                else if (!run.Process.WaitForExit(RunLimit)) throw new TimeoutException("index run did not finish");
                run.Process.WaitForExit();

                int count = StoreProbe.CountItems(crashed);
                bool killed = run.Process.ExitCode != 0;
                if (!killed)
                {
                    // The run finished before its kill: that store has survived every kill so far. Check it against the
                    // clean run; a refresh to kill again needs its cache gone, the other phases a fresh store.
                    output.WriteLine($"{phase} attempt {attempt}: the run finished before the kill; checking it");
                    AssertSameAsClean(crashed, images);
                    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                    Directory.Delete(phase == Phase.HnswRefresh ? Path.Combine(crashed, "index") : crashed, recursive: true);
                    if (phase != Phase.HnswRefresh) lastCount = 0;
                    continue;
                }
                bool modelLoaded = run.Stderr.Contains("\nmodel ", StringComparison.Ordinal) || run.Stderr.StartsWith("model ", StringComparison.Ordinal);
                landed = phase switch
                {
                    Phase.StartUp => !modelLoaded && count == lastCount,
                    Phase.BeforeFirstCommit => run.KilledOnLine is not null && count == lastCount,
                    Phase.MidBatch => count < images,
                    _ => run.KilledOnLine is not null && count == images,
                };
                output.WriteLine($"kill {number} ({phase}, attempt {attempt}) after {started.Elapsed.TotalSeconds:0.00} s: {count} items stored{(landed ? "" : " — not in that phase, again")}");
                if (phase == Phase.StartUp && !landed) startUpDelay /= 2;
                Assert.True(count >= lastCount, $"items went from {lastCount} to {count} after a kill");
                lastCount = count;
                if (File.Exists(Path.Combine(crashed, "catalog.db")))
                {
                    var health = StoreVerifier.Verify(crashed);
                    Assert.True(health.Healthy, string.Join("\n", health.Findings));
                }
            }
            Assert.True(landed, $"no kill landed in phase {phase} in {attempts} attempts");
        }

        var resumed = CliProcess.Run(_dir.Path, RunLimit, Index("crashed"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        output.WriteLine($"kills survived: {plan.Length}; final resume: {resumed.Stdout.Trim()}");
        var verify = CliProcess.Run(_dir.Path, RunLimit, "verify", "--store", "crashed");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        var info = CliProcess.Run(_dir.Path, RunLimit, "info", "--json", "--store", "crashed");
        Assert.Equal(images, System.Text.Json.JsonDocument.Parse(info.Stdout).RootElement.GetProperty("index_cache").GetProperty("count").GetInt32());

        AssertSameAsClean(crashed, images);
        // The vectors live in the vector file, not in SQLite: every kill above landed while it was being appended to.
        // (vectors.f32 unless a write compacted it into vectors.N.f32: info names the current file)
        string vectorFile = System.Text.Json.JsonDocument.Parse(info.Stdout).RootElement.GetProperty("vector_file").GetProperty("file").GetString()!;
        Assert.True(new FileInfo(Path.Combine(crashed, vectorFile)).Length >= 64 + (long)images * 512 * sizeof(float));
    }

    [Fact]
    public void IndexRefresh_KilledWhileBuildingHnsw_RebuildsAndVerifies()
    {
        // 40,000 vectors stay below the auto threshold, so synth builds no graph; the explicit index run builds one for
        // seconds and is killed on the line that announces the build.
        const int n = 40_000;
        const string spec = "hnsw(m=16,efc=128,ef=64)";
        var synth = CliProcess.Run(_dir.Path, RunLimit, "vectors", "synth", "--n", n.ToString(System.Globalization.CultureInfo.InvariantCulture), "--dim", "48", "--seed", "3", "--store", "big");
        Assert.True(synth.ExitCode == 0, synth.Stderr);
        using (var run = CliProcess.Start(_dir.Path, line => line.StartsWith("index: building", StringComparison.Ordinal), "index", "--store", "big", "--index", spec))
        {
            Assert.True(run.Process.WaitForExit(RunLimit), "index did not finish");
            run.Process.WaitForExit();
            Assert.True(run.KilledOnLine is not null && run.Process.ExitCode != 0, $"the build was not killed: exit {run.Process.ExitCode}\n{run.Stderr}");
        }
        // The header is written last: a killed build never leaves a cache that looks valid.
        Assert.False(File.Exists(Path.Combine(_dir.Combine("big"), "index", "hnsw.header.json")), "a killed build left a cache header");
        var verify = CliProcess.Run(_dir.Path, RunLimit, "verify", "--store", "big");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);

        var rebuilt = CliProcess.Run(_dir.Path, RunLimit, "index", "--store", "big", "--index", spec);
        Assert.True(rebuilt.ExitCode == 0, rebuilt.Stderr);
        Assert.Contains("index: building", rebuilt.Stderr, StringComparison.Ordinal);
        var info = CliProcess.Run(_dir.Path, RunLimit, "info", "--json", "--store", "big");
        Assert.Equal(n, System.Text.Json.JsonDocument.Parse(info.Stdout).RootElement.GetProperty("index_cache").GetProperty("count").GetInt32());
        var similar = CliProcess.Run(_dir.Path, RunLimit, "similar", "synthetic/0000042", "-k", "5", "--store", "big", "--index", spec);
        Assert.True(similar.ExitCode == 0, similar.Stderr);
        Assert.Contains("loaded from cache", similar.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Same items, no duplicates, no losses, same vectors as the clean run.</summary>
    private void AssertSameAsClean(string crashed, int images)
    {
        using var cleanStore = SqliteCatalogStore.Open(_dir.Combine("clean"), create: false);
        using var crashedStore = SqliteCatalogStore.Open(crashed, create: false);
        var expected = cleanStore.ReadAll(withVectors: true).ToList();
        var actual = crashedStore.ReadAll(withVectors: true).ToList();
        Assert.Equal(images, expected.Count);
        Assert.Equal(actual.Count, actual.Select(i => i.Id).Distinct().Count()); // no duplicates
        Assert.Equal(expected.Select(i => i.Id.Value).Order(StringComparer.Ordinal), actual.Select(i => i.Id.Value).Order(StringComparer.Ordinal)); // no losses
        var byId = actual.ToDictionary(i => i.Id);
        int bitExact = 0;
        double maxDiff = 0;
        foreach (var item in expected)
        {
            var other = byId[item.Id];
            Assert.Equal(item.ContentHash, other.ContentHash);
            Assert.Equal(item.Vector.Length, other.Vector.Length);
            var a = item.Vector.Span;
            var b = other.Vector.Span;
            double diff = 0;
            for (int i = 0; i < a.Length; i++) diff = Math.Max(diff, Math.Abs(a[i] - b[i]));
            if (diff == 0) bitExact++;
            maxDiff = Math.Max(maxDiff, diff);
        }
        output.WriteLine($"{actual.Count} items, {bitExact} bit-exact vectors, max component difference {maxDiff:E2}");
        Assert.True(maxDiff <= 1e-5, $"vectors differ from the clean run by up to {maxDiff}");
    }

    private string BuildCorpus(int count)
    {
        string folder = _dir.Combine("photos");
        var samples = RepositoryPaths.SampleImages();
        Directory.CreateDirectory(Path.Combine(folder, "copies"));
        for (int i = 0; i < count; i++)
        {
            string source = samples[i % samples.Count];
            string target = i < samples.Count
                ? Path.Combine(folder, Path.GetFileName(source))
                : Path.Combine(folder, "copies", $"{i / samples.Count}-{Path.GetFileName(source)}");
            File.Copy(source, target);
        }
        return folder;
    }

    public void Dispose() => _dir.Dispose();
}
