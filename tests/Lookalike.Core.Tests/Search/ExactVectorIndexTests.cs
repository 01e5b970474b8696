using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Tests.Search;

public class ExactVectorIndexTests
{
    private static float[] RandomUnit(Random random, int dimension)
    {
        var v = new float[dimension];
        for (int i = 0; i < dimension; i++) v[i] = (float)(random.NextDouble() * 2 - 1);
        VectorMath.Normalize(v);
        return v;
    }

    private static ItemId Id(int i) => ItemId.Parse($"items/{i}.jpg");

    [Fact]
    public void Search_RandomVectors_EqualsNaiveSortReference()
    {
        var random = new Random(3);
        const int dimension = 37; // odd on purpose: exercises the SIMD tail
        using var index = new ExactVectorIndex(dimension);
        var vectors = Enumerable.Range(0, 500).Select(_ => RandomUnit(random, dimension)).ToArray();
        for (int i = 0; i < vectors.Length; i++) index.Upsert(Id(i), vectors[i]);
        for (int q = 0; q < 20; q++)
        {
            var query = RandomUnit(random, dimension);
            var expected = Enumerable.Range(0, vectors.Length)
                .Select(i => (Id: Id(i), Score: vectors[i].Zip(query, (a, b) => (double)a * b).Sum()))
                .OrderByDescending(x => x.Score).Take(10).Select(x => x.Id).ToArray();
            var actual = index.Search(query, new SearchRequest(10)).Select(h => h.Id).ToArray();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Search_ExcludeAndFilter_StillReturnsKMatching()
    {
        var random = new Random(5);
        using var index = new ExactVectorIndex(8);
        for (int i = 0; i < 100; i++) index.Upsert(Id(i), RandomUnit(random, 8));
        var query = index.GetVector(Id(4))!;
        var hits = index.Search(query, new SearchRequest(5, id => id.Value.EndsWith("0.jpg", StringComparison.Ordinal) || id == Id(4), Exclude: Id(4)));
        Assert.Equal(5, hits.Count);
        Assert.DoesNotContain(hits, h => h.Id == Id(4));
        Assert.All(hits, h => Assert.EndsWith("0.jpg", h.Id.Value));
        Assert.True(hits.Zip(hits.Skip(1)).All(p => p.First.Score >= p.Second.Score));
    }

    [Fact]
    public void Search_ItemOwnVector_RanksItselfFirstWithScoreOne()
    {
        var random = new Random(9);
        using var index = new ExactVectorIndex(16);
        for (int i = 0; i < 50; i++) index.Upsert(Id(i), RandomUnit(random, 16));
        var hit = index.Search(index.GetVector(Id(17))!, new SearchRequest(1))[0];
        Assert.Equal(Id(17), hit.Id);
        Assert.Equal(1f, hit.Score, 1e-5f);
    }

    [Fact]
    public void Remove_MiddleItem_KeepsOthersFindable()
    {
        var random = new Random(1);
        using var index = new ExactVectorIndex(4);
        for (int i = 0; i < 10; i++) index.Upsert(Id(i), RandomUnit(random, 4));
        var lastVector = index.GetVector(Id(9))!;
        Assert.True(index.Remove(Id(3)));
        Assert.False(index.Remove(Id(3)));
        Assert.Equal(9, index.Count);
        Assert.False(index.Contains(Id(3)));
        Assert.Equal(Id(9), index.Search(lastVector, new SearchRequest(1))[0].Id);
    }

    [Fact]
    public void Upsert_ExistingId_ReplacesVector()
    {
        using var index = new ExactVectorIndex(2);
        index.Upsert(Id(1), [1, 0]);
        index.Upsert(Id(1), [0, 1]);
        Assert.Equal(1, index.Count);
        Assert.Equal(new float[] { 0, 1 }, index.GetVector(Id(1)));
    }

    [Fact]
    public void Search_WrongDimension_Throws()
    {
        using var index = new ExactVectorIndex(3);
        Assert.Throws<ArgumentException>(() => index.Search(new float[4], new SearchRequest(1)));
    }

    [Fact]
    public void Search_KLargerThanCount_ReturnsAll()
    {
        using var index = new ExactVectorIndex(2);
        index.Upsert(Id(1), [1, 0]);
        index.Upsert(Id(2), [0, 1]);
        Assert.Equal(2, index.Search([1, 0], new SearchRequest(10)).Count);
    }
}
