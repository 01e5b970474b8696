using System.Diagnostics;
using Lookalike.Hosting.Reliability;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// Kills the real <c>lookalike index</c> process with SIGKILL at seeded random moments, resumes it each time, and
/// compares the result with a clean run: same items, same vectors, no duplicates, no losses.
/// </summary>
public sealed class CrashSafetyTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(8);
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Index_KilledAtRandomMomentsAndResumed_EqualsCleanRun()
    {
        int images = SoakSettings.CrashImages, kills = SoakSettings.CrashKills;
        string folder = BuildCorpus(images);

        var clock = Stopwatch.StartNew();
        var clean = CliProcess.Run(_dir.Path, RunLimit, "index", folder, "--store", "clean", "--json");
        Assert.True(clean.ExitCode == 0, clean.Stderr);
        var cleanDuration = clock.Elapsed;
        output.WriteLine($"clean run: {images} images in {cleanDuration.TotalSeconds:0.0} s");

        string crashed = _dir.Combine("crashed");
        var rng = new Random(SoakSettings.CrashSeed);
        int delivered = 0, attempts = 0, lastCount = 0;
        while (delivered < kills && attempts++ < kills * 4)
        {
            // Kill once the store has grown by a random share of what is left (so every kill lands mid-write),
            // plus a random 0–300 ms; every fourth kill at a purely random moment (start-up and model load included).
            int remaining = images - lastCount;
            int target = lastCount + Math.Max(1, (int)(remaining * (0.05 + rng.NextDouble() * 0.35)));
            bool pureRandom = delivered % 4 == 3;
            var randomDelay = TimeSpan.FromMilliseconds(rng.NextDouble() * cleanDuration.TotalMilliseconds * 0.5);
            int jitterMs = rng.Next(0, 300);
            using var run = CliProcess.Start(_dir.Path, "index", folder, "--store", "crashed", "--json");
            var started = Stopwatch.StartNew();
            bool finished = false;
            while (!(finished = run.Process.HasExited))
            {
                if (pureRandom ? started.Elapsed >= randomDelay : StoreProbe.CountItems(crashed) >= target) break;
                if (started.Elapsed > RunLimit) throw new TimeoutException("index run did not progress");
                Thread.Sleep(20);
            }
            if (!finished && !pureRandom) finished = run.Process.WaitForExit(jitterMs);
            if (finished)
            {
                // On a fast machine a resumed run can finish before its kill lands. That store has survived every kill
                // so far: check it against the clean run, then start a fresh store for the remaining kills.
                Assert.True(run.Process.ExitCode == 0, run.Stderr);
                output.WriteLine($"run {attempts}: finished before the kill; checking it and starting a fresh store");
                AssertSameAsClean(crashed, images);
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(crashed, recursive: true);
                lastCount = 0;
                continue;
            }
            run.Kill();
            delivered++;
            int count = StoreProbe.CountItems(crashed);
            output.WriteLine($"kill {delivered} after {started.Elapsed.TotalSeconds:0.00} s ({(pureRandom ? "random moment" : $"target {target}")}): {count} items stored");
            Assert.True(count >= lastCount, $"items went from {lastCount} to {count} after a kill");
            lastCount = count;
            var health = StoreVerifier.Verify(crashed);
            Assert.True(health.Healthy, string.Join("\n", health.Findings));
        }

        var resumed = CliProcess.Run(_dir.Path, RunLimit, "index", folder, "--store", "crashed", "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        output.WriteLine($"kills survived: {delivered}; final resume: {resumed.Stdout.Trim()}");
        Assert.True(delivered >= Math.Min(kills, 2), $"only {delivered} kills landed before the run finished");

        var verify = CliProcess.Run(_dir.Path, RunLimit, "verify", "--store", "crashed");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);

        AssertSameAsClean(crashed, images);
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
