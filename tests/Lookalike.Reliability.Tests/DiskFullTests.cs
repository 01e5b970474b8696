using Lookalike.Hosting.Reliability;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// Disk full during <c>lookalike index</c>: the store lives on a tiny tmpfs (root only: skipped otherwise, and a
/// failure in CI). The run must fail with a clear error, leave the store intact, and resume once there is room.
/// </summary>
public sealed class DiskFullTests(ITestOutputHelper output) : IDisposable
{
    private const int Images = 60;
    private readonly TempDirectory _dir = new();

    [SkippableFact]
    public void Index_DiskFills_FailsClearlyStoreIntactAndResumes()
    {
        _dir.CopySamples(Images, "photos");
        using var mount = TmpfsMount.Create(_dir.Combine("small"), size: "96k");
        string store = Path.Combine(mount.Path, "store");

        var full = CliProcess.Run(_dir.Path, TimeSpan.FromMinutes(4), "index", "photos", "--store", store, "--json");
        output.WriteLine($"exit {full.ExitCode}: {full.Stderr.Trim().Split('\n')[^1]}");
        Assert.Equal(2, full.ExitCode);
        Assert.Contains("full", full.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", full.Stderr, StringComparison.Ordinal); // no stack trace
        int before = StoreProbe.CountItems(store);
        Assert.True(before < Images, $"the disk never filled ({before} items)");
        Assert.True(StoreVerifier.Verify(store).Healthy);

        mount.Resize("16m");
        var resumed = CliProcess.Run(_dir.Path, TimeSpan.FromMinutes(4), "index", "photos", "--store", store, "--json");
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        SqliteConnection.ClearAllPools();
        using (var catalog = SqliteCatalogStore.Open(store, create: false))
            Assert.Equal(Images, catalog.ReadAll(withVectors: false).Count());
        var report = StoreVerifier.Verify(store);
        Assert.True(report.Healthy, string.Join("\n", report.Findings));
        output.WriteLine($"disk full after {before} of {Images} items; resumed to {report.Items}, verify healthy");
        SqliteConnection.ClearAllPools();
    }

    public void Dispose() => _dir.Dispose();
}
