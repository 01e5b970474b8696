using Lookalike.Core.Catalog;
using Lookalike.Core.Search;

namespace Lookalike.Search.Tests;

/// <summary>The batch (packed, register-tiled) kernel against a scalar reference at every length 1..256.</summary>
public sealed class DotKernelTests
{
    [Fact]
    public void SearchBatch_EveryDimension1To256_ScoresMatchScalarReference()
    {
        var random = new Random(21);
        for (int d = 1; d <= 256; d++)
        {
            // 37 rows and 11 queries: whole and partial tiles on both axes (8×32, 4×16 or 4×8 depending on the CPU).
            using var index = new ExactVectorIndex(d);
            var rows = new float[37][];
            for (int r = 0; r < rows.Length; r++)
            {
                rows[r] = Enumerable.Range(0, d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
                index.Upsert(ItemId.Parse($"r{r}"), rows[r]);
            }
            var queries = Enumerable.Range(0, 11 * d).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var results = index.SearchBatch(queries, 11, new SearchRequest(37));
            for (int q = 0; q < 11; q++)
            {
                foreach (var hit in results[q])
                {
                    int r = int.Parse(hit.Id.Value[1..], System.Globalization.CultureInfo.InvariantCulture);
                    double expected = 0;
                    for (int k = 0; k < d; k++) expected += (double)queries[q * d + k] * rows[r][k];
                    Assert.True(Math.Abs(expected - hit.Score) <= 1e-4 * Math.Max(1, Math.Sqrt(d)), $"d={d} q={q} r={r}: {hit.Score} vs {expected}");
                }
                Assert.Equal(37, results[q].Count);
            }
        }
    }

    [Fact]
    public void Search_LargeCatalog_ParallelScanEqualsSequential()
    {
        const int d = 33, n = ExactVectorIndex.ParallelScanThreshold + 1001;
        var data = new Core.Vectors.SyntheticVectors(d, clusters: 50, seed: 3).Generate(n, stream: 1);
        using var index = new ExactVectorIndex(d, n);
        for (int i = 0; i < n; i++) index.Upsert(ItemId.Parse($"x/{i}"), data.AsSpan(i * d, d));
        var query = data.AsSpan(17 * d, d).ToArray();
        var parallel = index.Search(query, new SearchRequest(20));
        index.MaxThreads = 1;
        var sequential = index.Search(query, new SearchRequest(20));
        Assert.Equal(sequential, parallel);
    }
}
