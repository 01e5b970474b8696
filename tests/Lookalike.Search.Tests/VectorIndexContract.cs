using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;

namespace Lookalike.Search.Tests;

/// <summary>Behaviour every <see cref="IVectorIndex"/> must have; run against each implementation.</summary>
public abstract class VectorIndexContract
{
    protected const int Dimension = 48;

    protected abstract IVectorIndex Create(int dimension);

    protected static ItemId Id(int i) => ItemId.Parse($"items/{i:D5}.jpg");

    private IVectorIndex CreateFilled(int count, out float[] vectors)
    {
        var index = Create(Dimension);
        vectors = new SyntheticVectors(Dimension, clusters: 20, seed: 4).Generate(count, stream: 1);
        for (int i = 0; i < count; i++) index.Upsert(Id(i), vectors.AsSpan(i * Dimension, Dimension));
        return index;
    }

    [Fact]
    public void Search_OwnVector_FindsItselfFirst()
    {
        using var index = CreateFilled(300, out var vectors);
        for (int i = 0; i < 300; i += 37)
        {
            var hit = index.Search(vectors.AsSpan(i * Dimension, Dimension), new SearchRequest(1))[0];
            Assert.Equal(Id(i), hit.Id);
            Assert.Equal(1f, hit.Score, 2e-2f);
        }
    }

    [Fact]
    public void Search_ResultsSortedAndK()
    {
        using var index = CreateFilled(300, out var vectors);
        var hits = index.Search(vectors.AsSpan(0, Dimension), new SearchRequest(10));
        Assert.Equal(10, hits.Count);
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
        Assert.Equal(10, hits.Select(h => h.Id).Distinct().Count());
    }

    [Fact]
    public void Search_Exclude_NeverReturnsIt()
    {
        using var index = CreateFilled(300, out var vectors);
        var hits = index.Search(vectors.AsSpan(5 * Dimension, Dimension), new SearchRequest(5, Exclude: Id(5)));
        Assert.Equal(5, hits.Count);
        Assert.DoesNotContain(hits, h => h.Id == Id(5));
    }

    [Fact]
    public void Search_SelectiveFilter_StillReturnsKMatching()
    {
        using var index = CreateFilled(400, out var vectors);
        // Only every 20th item passes: 20 items, 5% of the catalog.
        bool Allowed(ItemId id) => int.Parse(id.Value[6..11], System.Globalization.CultureInfo.InvariantCulture) % 20 == 0;
        var hits = index.Search(vectors.AsSpan(3 * Dimension, Dimension), new SearchRequest(10, Allowed));
        Assert.Equal(10, hits.Count);
        Assert.All(hits, h => Assert.True(Allowed(h.Id)));
    }

    [Fact]
    public void UpsertRemove_VisibleToNextSearch()
    {
        using var index = CreateFilled(200, out var vectors);
        var probe = vectors.AsSpan(7 * Dimension, Dimension).ToArray();
        Assert.True(index.Remove(Id(7)));
        Assert.False(index.Remove(Id(7)));
        Assert.False(index.Contains(Id(7)));
        Assert.Equal(199, index.Count);
        Assert.DoesNotContain(index.Search(probe, new SearchRequest(10)), h => h.Id == Id(7));
        index.Upsert(Id(999), probe);
        Assert.Equal(Id(999), index.Search(probe, new SearchRequest(1))[0].Id);
        // Replacing a vector moves the item.
        index.Upsert(Id(999), vectors.AsSpan(8 * Dimension, Dimension));
        Assert.Equal(200, index.Count);
        var top = index.Search(vectors.AsSpan(8 * Dimension, Dimension), new SearchRequest(2)).Select(h => h.Id).ToList();
        Assert.Contains(Id(999), top);
    }

    [Fact]
    public void GetVector_ReturnsStoredVectorApproximately()
    {
        using var index = CreateFilled(50, out var vectors);
        var stored = index.GetVector(Id(3))!;
        Assert.Equal(1.0, VectorMath.Dot(stored, vectors.AsSpan(3 * Dimension, Dimension)), 2e-2);
        Assert.Null(index.GetVector(Id(5000)));
    }

    [Fact]
    public void Search_WrongDimension_Throws()
    {
        using var index = Create(Dimension);
        Assert.Throws<ArgumentException>(() => index.Search(new float[Dimension + 1], new SearchRequest(1)));
        Assert.Throws<ArgumentException>(() => index.Upsert(Id(1), new float[Dimension - 1]));
    }

    [Fact]
    public void Search_Empty_ReturnsNothing()
    {
        using var index = Create(Dimension);
        Assert.Empty(index.Search(new float[Dimension], new SearchRequest(3)));
    }

    [Fact]
    public void SearchBatch_EqualsSingleSearches()
    {
        using var index = CreateFilled(300, out var vectors);
        var queries = new SyntheticVectors(Dimension, clusters: 20, seed: 4).Generate(9, stream: 2);
        var exclude = Enumerable.Range(0, 9).Select(i => (ItemId?)(i % 2 == 0 ? Id(i) : null)).ToList();
        var batch = index.SearchBatch(queries, 9, new SearchRequest(7), exclude);
        for (int q = 0; q < 9; q++)
        {
            var single = index.Search(queries.AsSpan(q * Dimension, Dimension), new SearchRequest(7, Exclude: exclude[q]));
            Assert.Equal(single.Select(h => h.Id), batch[q].Select(h => h.Id));
        }
    }

    [Fact]
    public void ConcurrentSearchesAndWrites_NoErrors()
    {
        using var index = CreateFilled(300, out var vectors);
        var extra = new SyntheticVectors(Dimension, clusters: 20, seed: 4).Generate(200, stream: 3);
        var writer = Task.Run(() =>
        {
            for (int i = 0; i < 200; i++)
            {
                index.Upsert(Id(1000 + i), extra.AsSpan(i * Dimension, Dimension));
                if (i % 3 == 0) index.Remove(Id(i));
            }
        });
        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            for (int i = 0; i < 200; i++)
                Assert.NotEmpty(index.Search(vectors.AsSpan((i % 300) * Dimension, Dimension), new SearchRequest(5)));
        })).ToArray();
        Task.WaitAll([writer, .. readers]);
        Assert.Equal(300 + 200 - 67, index.Count);
    }
}

public sealed class ExactVectorIndexContractTests : VectorIndexContract
{
    protected override IVectorIndex Create(int dimension) => new ExactVectorIndex(dimension);
}

public sealed class HnswVectorIndexContractTests : VectorIndexContract
{
    protected override IVectorIndex Create(int dimension) =>
        new USearch.HnswVectorIndex(dimension, IndexSpec.Parse("hnsw(m=16,efc=128,ef=64)"));
}

public sealed class HnswF16RerankContractTests : VectorIndexContract
{
    // Nothing mapped: every vector written goes to the re-ranker's in-memory overlay (as items written after a store was opened).
    protected override IVectorIndex Create(int dimension) =>
        new USearch.HnswVectorIndex(dimension, IndexSpec.Parse("hnsw(m=16,efc=128,ef=64,dtype=f16,rerank=true)"),
            new RerankVectors(new StoredVectors(new ArrayVectorRows([], dimension), [], 0)));
}
