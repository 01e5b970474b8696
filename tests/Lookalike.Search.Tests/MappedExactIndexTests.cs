using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;

namespace Lookalike.Search.Tests;

/// <summary>The contract, on an index whose mapped part is empty (every item lives in the overlay).</summary>
public sealed class MappedExactIndexContractTests : VectorIndexContract
{
    protected override IVectorIndex Create(int dimension) => new MappedExactIndex(new StoredVectors(new ArrayVectorRows([], dimension), [], 0));
}

/// <summary><see cref="MappedExactIndex"/> answers exactly what <see cref="ExactVectorIndex"/> answers over the live rows.</summary>
public sealed class MappedExactIndexTests
{
    private const int Dimension = 20;

    private static ItemId Id(int i) => ItemId.Parse($"items/{i:D6}.jpg");

    /// <summary>n rows; every seventh row is dead (superseded or removed in the store), the rest belong to item i.</summary>
    private static (MappedExactIndex Mapped, ExactVectorIndex Oracle, float[] Data) Build(int n)
    {
        float[] data = new SyntheticVectors(Dimension, clusters: 30, seed: 11).Generate(n, stream: 0);
        var ids = new ItemId?[n];
        var oracle = new ExactVectorIndex(Dimension, n);
        for (int i = 0; i < n; i++)
        {
            if (i % 7 == 3) continue;
            ids[i] = Id(i);
            oracle.Upsert(Id(i), data.AsSpan(i * Dimension, Dimension));
        }
        return (new MappedExactIndex(new StoredVectors(new ArrayVectorRows(data, Dimension), ids, 5)), oracle, data);
    }

    private static void AssertSame(ExactVectorIndex expected, MappedExactIndex actual, float[] queries, SearchRequest request)
    {
        for (int q = 0; q < queries.Length / Dimension; q++)
        {
            var query = queries.AsSpan(q * Dimension, Dimension);
            Assert.Equal(expected.Search(query, request), actual.Search(query, request));
        }
    }

    [Theory]
    [InlineData(2_000)]
    [InlineData(40_000)] // above ExactVectorIndex.ParallelScanThreshold: the scan is split across cores
    public void Search_EqualsExactOverLiveRows(int n)
    {
        var (mapped, oracle, _) = Build(n);
        using var _m = mapped;
        using var _o = oracle;
        float[] queries = new SyntheticVectors(Dimension, clusters: 30, seed: 11).Generate(12, stream: 1);
        Assert.Equal(oracle.Count, mapped.Count);
        AssertSame(oracle, mapped, queries, new SearchRequest(10));
        AssertSame(oracle, mapped, queries, new SearchRequest(25, Filter: id => id.Value.EndsWith("1.jpg", StringComparison.Ordinal), Exclude: Id(1)));
        Assert.False(mapped.Contains(Id(3)));   // a dead row is no item
        Assert.Null(mapped.GetVector(Id(3)));
    }

    [Fact]
    public void SearchBatch_EqualsOneSearchPerQuery_WithExclusionsFilterAndOverlay()
    {
        var (mapped, oracle, data) = Build(5_000);
        using var _m = mapped;
        using var _o = oracle;
        float[] fresh = new SyntheticVectors(Dimension, clusters: 30, seed: 12).Generate(2, stream: 0);
        mapped.Upsert(Id(10), fresh.AsSpan(0, Dimension));                 // the overlay holds a changed item…
        mapped.Upsert(ItemId.Parse("new/a.jpg"), fresh.AsSpan(Dimension, Dimension)); // …and a new one
        Assert.True(mapped.Remove(Id(20)));
        // 37 queries: more than one register tile per core, and not a multiple of one; some are catalog rows themselves.
        float[] queries = [.. new SyntheticVectors(Dimension, clusters: 30, seed: 11).Generate(30, stream: 1), .. data.AsSpan(0, 7 * Dimension), ];
        var exclude = Enumerable.Range(0, 37).Select(q => q >= 30 ? Id(q - 30) : q % 3 == 0 ? (ItemId?)Id(q) : null).ToList();
        foreach (var request in new[] { new SearchRequest(10), new SearchRequest(25, Filter: id => !id.Value.EndsWith("2.jpg", StringComparison.Ordinal)) })
        {
            var batch = mapped.SearchBatch(queries, 37, request, exclude);
            for (int q = 0; q < 37; q++)
            {
                // The same items, in the same order, with the very same scores: callers add and compare scores across paths.
                var one = mapped.Search(queries.AsSpan(q * Dimension, Dimension), request with { Exclude = exclude[q] });
                Assert.Equal(one, batch[q]);
            }
            Assert.DoesNotContain(batch[30], h => h.Id == Id(0));          // excluded per query
            Assert.Equal(Id(0), mapped.SearchBatch(queries.AsSpan(30 * Dimension, Dimension), 1, request)[0][0].Id); // not excluded: itself first
        }
        Assert.Throws<ArgumentException>(() => mapped.SearchBatch(queries, 36, new SearchRequest(5)));
    }

    [Fact]
    public void UpsertAndRemove_AfterOpening_ShadowTheMappedRows()
    {
        var (mapped, oracle, data) = Build(3_000);
        using var _m = mapped;
        using var _o = oracle;
        float[] fresh = new SyntheticVectors(Dimension, clusters: 30, seed: 12).Generate(3, stream: 0);
        foreach (var index in new IVectorIndex[] { mapped, oracle })
        {
            index.Upsert(Id(10), fresh.AsSpan(0, Dimension));              // a mapped item changes
            index.Upsert(ItemId.Parse("new/a.jpg"), fresh.AsSpan(Dimension, Dimension)); // a new one arrives
            Assert.True(index.Remove(Id(20)));                            // a mapped one leaves
        }
        Assert.Equal(oracle.Count, mapped.Count);
        Assert.Equal(fresh.AsSpan(0, Dimension).ToArray(), mapped.GetVector(Id(10)));
        Assert.Equal(data.AsSpan(30 * Dimension, Dimension).ToArray(), mapped.GetVector(Id(30)));
        Assert.False(mapped.Contains(Id(20)));
        float[] queries = [.. fresh, .. data.AsSpan(10 * Dimension, Dimension), .. data.AsSpan(20 * Dimension, Dimension)];
        AssertSame(oracle, mapped, queries, new SearchRequest(10));
    }
}
