using System.Globalization;
using System.Runtime.Intrinsics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Xunit.Abstractions;

namespace Lookalike.Core.Tests.Search;

/// <summary>
/// The batch (packed, register-tiled) kernel and the single-query scan against a double-precision scalar reference.
/// Only the host's widest kernel runs in one process: <c>.ci/run</c> runs these tests again with
/// <c>DOTNET_EnableAVX512=0</c> and with <c>DOTNET_EnableAVX2=0</c>, and <see cref="Kernel_RunsTheWidthTheEnvironmentAllows"/> proves it did
/// (.NET 10 ignores the older <c>DOTNET_EnableAVX512F</c>: under it Vector512 stays accelerated).
/// </summary>
public sealed class DotKernelTests(ITestOutputHelper output)
{
    [Fact]
    public void Kernel_RunsTheWidthTheEnvironmentAllows()
    {
        output.WriteLine($"Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, Vector128 {Vector128.IsHardwareAccelerated}");
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX512") == "0") Assert.False(Vector512.IsHardwareAccelerated);
        if (Environment.GetEnvironmentVariable("DOTNET_EnableAVX2") == "0")
        {
            Assert.False(Vector512.IsHardwareAccelerated);
            Assert.False(Vector256.IsHardwareAccelerated);
        }
    }

    [Fact]
    public void SearchBatch_EveryDimension1To256_ScoresMatchScalarReference()
    {
        var random = new Random(21);
        for (int d = 1; d <= 256; d++)
        {
            // 37 rows and 11 queries, k = n: whole and partial tiles on both axes (8×32, 4×16 or 4×8 depending on the CPU).
            var (index, rows) = RandomIndex(random, d, 37);
            using (index)
            {
                var queries = RandomRows(random, 11, d);
                var results = index.SearchBatch(queries, 11, new SearchRequest(37));
                for (int q = 0; q < 11; q++)
                {
                    foreach (var hit in results[q])
                    {
                        double expected = Reference(queries.AsSpan(q * d, d), rows[Row(hit)]);
                        Assert.True(Math.Abs(expected - hit.Score) <= Tolerance(d), $"d={d} q={q} {hit.Id}: {hit.Score} vs {expected}");
                    }
                    Assert.Equal(37, results[q].Count);
                }
            }
        }
    }

    public static TheoryData<int, int, int> TopKCases => new()
    {
        // (dimension, rows, k): k < n, so the heap fills and the threshold starts rejecting whole tile rows; n > 256 spans
        // several packed row blocks, with a partial last panel; odd and wide dimensions.
        { 1, 300, 1 }, { 3, 1000, 5 }, { 17, 257, 10 }, { 32, 777, 10 }, { 64, 1500, 3 }, { 127, 513, 25 }, { 512, 600, 10 },
    };

    [Theory]
    [MemberData(nameof(TopKCases))]
    public void SearchAndSearchBatch_KBelowN_ReturnTheReferenceTopK(int d, int n, int k)
    {
        var random = new Random(d * 7919 + n);
        var (index, rows) = RandomIndex(random, d, n);
        using var _ = index;
        const int queryCount = 13;
        var queries = RandomRows(random, queryCount, d);
        var batch = index.SearchBatch(queries, queryCount, new SearchRequest(k));
        for (int q = 0; q < queryCount; q++)
        {
            float[] query = queries.AsSpan(q * d, d).ToArray();
            double[] reference = rows.Select(r => Reference(query, r)).ToArray();
            double kth = reference.OrderDescending().ElementAt(k - 1);
            foreach (var hits in new[] { batch[q], index.Search(query, new SearchRequest(k)) })
            {
                Assert.Equal(k, hits.Count);
                Assert.Equal(k, hits.Select(h => h.Id).Distinct().Count());
                for (int i = 0; i < k; i++)
                {
                    double expected = reference[Row(hits[i])];
                    Assert.True(Math.Abs(expected - hits[i].Score) <= Tolerance(d), $"d={d} n={n} q={q}: {hits[i].Id} scored {hits[i].Score}, reference {expected}");
                    // Nothing that belongs in the top k was rejected: every hit is at least the k-th best reference score.
                    Assert.True(expected >= kth - 2 * Tolerance(d), $"d={d} n={n} k={k} q={q}: {hits[i].Id} ({expected}) is below the k-th best {kth}");
                    if (i > 0) Assert.True(hits[i - 1].Score >= hits[i].Score);
                }
            }
            Assert.Equal(batch[q].Select(h => h.Id), index.Search(query, new SearchRequest(k)).Select(h => h.Id));
        }
    }

    [Fact]
    public void SearchBatch_KBelowNWithExcludeAndFilter_MatchesSingleSearch()
    {
        const int d = 45, n = 900, k = 7, queryCount = 9;
        var random = new Random(5);
        var (index, rows) = RandomIndex(random, d, n);
        using var _ = index;
        var queries = RandomRows(random, queryCount, d);
        static bool Even(ItemId id) => Row(id) % 2 == 0;
        var exclude = Enumerable.Range(0, queryCount).Select(q => (ItemId?)ItemId.Parse($"r{q * 2}")).ToList();
        var batch = index.SearchBatch(queries, queryCount, new SearchRequest(k) { Filter = Even }, exclude);
        for (int q = 0; q < queryCount; q++)
        {
            var single = index.Search(queries.AsSpan(q * d, d), new SearchRequest(k) { Filter = Even, Exclude = exclude[q] });
            Assert.Equal(single, batch[q]); // the same scores to the last bit, not only the same items
            Assert.All(batch[q], h => Assert.True(Even(h.Id) && h.Id != exclude[q]));
            Assert.Equal(k, batch[q].Count);
        }
    }

    [Fact]
    public void Search_LargeCatalog_ParallelScanEqualsSequential()
    {
        const int d = 33, n = ExactVectorIndex.ParallelScanThreshold + 1001;
        var data = new SyntheticVectors(d, clusters: 50, seed: 3).Generate(n, stream: 1);
        using var index = new ExactVectorIndex(d, n);
        for (int i = 0; i < n; i++) index.Upsert(ItemId.Parse($"x/{i}"), data.AsSpan(i * d, d));
        var query = data.AsSpan(17 * d, d).ToArray();
        var parallel = index.Search(query, new SearchRequest(20));
        index.MaxThreads = 1;
        var sequential = index.Search(query, new SearchRequest(20));
        Assert.Equal(sequential, parallel);
    }

    private static (ExactVectorIndex Index, float[][] Rows) RandomIndex(Random random, int d, int n)
    {
        var index = new ExactVectorIndex(d);
        var rows = new float[n][];
        for (int r = 0; r < n; r++)
        {
            rows[r] = RandomRows(random, 1, d);
            index.Upsert(ItemId.Parse($"r{r}"), rows[r]);
        }
        return (index, rows);
    }

    private static float[] RandomRows(Random random, int count, int d) =>
        Enumerable.Range(0, count * d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static int Row(SearchHit hit) => Row(hit.Id);

    private static int Row(ItemId id) => int.Parse(id.Value[1..], CultureInfo.InvariantCulture);

    private static double Reference(ReadOnlySpan<float> query, float[] row)
    {
        double sum = 0;
        for (int k = 0; k < row.Length; k++) sum += (double)query[k] * row[k];
        return sum;
    }

    private static double Tolerance(int d) => 1e-4 * Math.Max(1, Math.Sqrt(d));
}
