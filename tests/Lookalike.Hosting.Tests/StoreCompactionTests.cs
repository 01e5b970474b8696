using Lookalike.Core.Catalog;
using Lookalike.Hosting.Catalog;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests;

/// <summary>When a write command compacts the vector file on its own: more than a quarter of its rows dead, and at least 1 MiB.</summary>
public sealed class StoreCompactionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Theory]
    [InlineData(4000, 3000, false)] // 25 % dead exactly: not more than a quarter
    [InlineData(4000, 2999, true)]  // just over a quarter, 1,001 × 2 KB ≥ 1 MiB
    [InlineData(1000, 400, true)]   // 60 % dead, 600 × 2 KB = 1.17 MiB
    [InlineData(1024, 512, true)]   // half dead, 1 MiB exactly
    [InlineData(1000, 800, false)]  // 20 % dead
    [InlineData(800, 300, false)]   // 62 % dead but 500 × 2 KB < 1 MiB: a small store is left alone
    public void IsDue_MoreThanAQuarterDeadAndAtLeastOneMebibyte(long rows, long live, bool due)
    {
        var usage = new VectorFileUsage("vectors.f32", 512, rows, live, 64 + rows * 2048);
        Assert.Equal(due, StoreCompaction.IsDue(usage));
    }

    [Fact]
    public void CompactIfDue_ReSynthesizedStore_CompactsOnce_ThenNothingIsDue()
    {
        using var store = LookalikeComponents.OpenStore(_dir.Path, create: true);
        VectorImporter.Synthesize(store, count: 2000, dimension: 256, clusters: 10, seed: 1);
        Assert.Null(StoreCompaction.CompactIfDue(store)); // nothing dead
        VectorImporter.Synthesize(store, count: 2000, dimension: 256, clusters: 10, seed: 2); // 2 MB dead, half the file
        var log = new List<string>();
        var result = StoreCompaction.CompactIfDue(store, log.Add);
        Assert.NotNull(result);
        Assert.Equal((4000L, 2000L), (result.From.Rows, result.To.Rows));
        Assert.StartsWith("compact: copying 2,000 live rows of 4,000 in vectors.f32", log[0], StringComparison.Ordinal);
        Assert.StartsWith("compact: vectors.f32 → vectors.1.f32: 4,000 → 2,000 rows", log[1], StringComparison.Ordinal);
        Assert.Equal(0, StoreCompaction.Usage(store)!.DeadRows);
        Assert.Null(StoreCompaction.CompactIfDue(store));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
