using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Core.Tests.Recommendations;

/// <summary>Item-item similarities against hand-computed values and a naive O(n²) dense reference.</summary>
public class ItemSimilarityTests
{
    [Fact]
    public void Cosine_SmallPurchaseMatrix_MatchesHandComputedValues()
    {
        // u1: A B · u2: A B C · u3: A C. All cells 1.
        // cos(A,B) = 2 / (√3·√2) = 0.8165; cos(A,C) = 2/√6; cos(B,C) = 1 / (√2·√2) = 0.5.
        var matrix = new InteractionMatrix();
        matrix.Apply([Buy(1, 1), Buy(1, 2), Buy(2, 1), Buy(2, 2), Buy(2, 3), Buy(3, 1), Buy(3, 3)]);
        var table = new ItemNeighbours(matrix, new ItemKnnOptions { Shrinkage = 0 });
        var a = table.Of(I(1));
        Assert.Equal([I(2), I(3)], a.Select(n => n.Item)); // tie 0.8165 broken by id
        Assert.Equal(2 / Math.Sqrt(6), a[0].Similarity, 1e-6);
        Assert.Equal(2 / Math.Sqrt(6), a[1].Similarity, 1e-6);
        var b = table.Of(I(2));
        Assert.Equal(2 / Math.Sqrt(6), b.Single(n => n.Item == I(1)).Similarity, 1e-6);
        Assert.Equal(0.5, b.Single(n => n.Item == I(3)).Similarity, 1e-6);
    }

    [Fact]
    public void Shrinkage_ScalesByCoCount()
    {
        // Same matrix, β = 1: cos(A,B)·2/3 (two co-buyers), cos(B,C)·1/2 (one).
        var matrix = new InteractionMatrix();
        matrix.Apply([Buy(1, 1), Buy(1, 2), Buy(2, 1), Buy(2, 2), Buy(2, 3), Buy(3, 1), Buy(3, 3)]);
        var b = new ItemNeighbours(matrix, new ItemKnnOptions { Shrinkage = 1 }).Of(I(2));
        Assert.Equal(2 / Math.Sqrt(6) * 2 / 3, b.Single(n => n.Item == I(1)).Similarity, 1e-6);
        Assert.Equal(0.5 / 2, b.Single(n => n.Item == I(3)).Similarity, 1e-6);
    }

    [Fact]
    public void Pearson_Ratings_MatchesHandComputedValue()
    {
        // Stars X: 5 1 4 2 5, Y: 4 2 5 1 5 → signals (s−3)/2: X 1 −1 .5 −.5 1, Y .5 −.5 1 −1 1 (means .2 and .2).
        // Pearson = (Σxy − ΣxΣy/n) / √(vx·vy) = (3 − 1/5) / (3.5 − 1/5) = 2.8 / 3.3; cosine = 3 / 3.5.
        double[] x = [5, 1, 4, 2, 5], y = [4, 2, 5, 1, 5];
        var events = new List<FeedbackEvent>();
        for (int u = 0; u < 5; u++)
        {
            events.Add(FeedbackEvent.Rating(U(u), I("x.jpg"), x[u], Day(0)));
            events.Add(FeedbackEvent.Rating(U(u), I("y.jpg"), y[u], Day(0)));
        }
        var matrix = new InteractionMatrix();
        matrix.Apply(events);
        var pearson = new ItemNeighbours(matrix, new ItemKnnOptions { Similarity = SimilarityKind.Pearson, Shrinkage = 0 }).Of(I("x.jpg"));
        Assert.Equal(2.8 / 3.3, Assert.Single(pearson).Similarity, 1e-6);
        var cosine = new ItemNeighbours(matrix, new ItemKnnOptions { Similarity = SimilarityKind.Cosine, Shrinkage = 0 }).Of(I("x.jpg"));
        Assert.Equal(3 / 3.5, Assert.Single(cosine).Similarity, 1e-6);
    }

    [Fact]
    public void Pearson_ConstantCoRatings_IsZeroAndNotListed()
    {
        // Binary purchases have no variance: Pearson is undefined there and reported as 0.
        var matrix = new InteractionMatrix();
        matrix.Apply([Buy(1, 1), Buy(1, 2), Buy(2, 1), Buy(2, 2)]);
        Assert.Empty(new ItemNeighbours(matrix, new ItemKnnOptions { Similarity = SimilarityKind.Pearson }).Of(I(1)));
    }

    [Theory]
    [InlineData(SimilarityKind.Cosine, 0.0, 1, 11)]
    [InlineData(SimilarityKind.Cosine, 2.5, 1, 12)]
    [InlineData(SimilarityKind.Pearson, 0.0, 1, 13)]
    [InlineData(SimilarityKind.Pearson, 2.5, 2, 14)]
    [InlineData(SimilarityKind.Cosine, 1.0, 3, 15)]
    public void Neighbours_RandomMatrices_EqualNaiveReference(SimilarityKind kind, double shrinkage, int minCommon, int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 5; trial++)
        {
            int users = random.Next(3, 12), items = random.Next(3, 15);
            var (events, dense) = RandomRatings(random, users, items, density: 0.45);
            var matrix = new InteractionMatrix();
            matrix.Apply(events);
            var table = new ItemNeighbours(matrix, new ItemKnnOptions { Similarity = kind, Shrinkage = shrinkage, MinCommon = minCommon, Neighbours = 1000 });
            for (int i = 0; i < items; i++)
            {
                var expected = NaiveNeighbours(dense, i, kind, shrinkage, minCommon, 1000);
                var actual = table.Of(I(i));
                AssertSameNeighbours(expected, actual);
            }
        }
    }

    [Fact]
    public void Neighbours_TopK_KeepsTheKMostSimilar()
    {
        var random = new Random(21);
        var (events, dense) = RandomRatings(random, users: 20, items: 30, density: 0.4);
        var matrix = new InteractionMatrix();
        matrix.Apply(events);
        var table = new ItemNeighbours(matrix, new ItemKnnOptions { Neighbours = 4, Shrinkage = 1 });
        for (int i = 0; i < 30; i++)
        {
            var all = NaiveNeighbours(dense, i, SimilarityKind.Cosine, 1, 1, 1000);
            var top = table.Of(I(i));
            Assert.Equal(Math.Min(4, all.Count), top.Count);
            for (int n = 0; n < top.Count; n++) Assert.Equal(all[n].Similarity, top[n].Similarity, 1e-5);
        }
    }

    /// <summary>Random ratings in [1, 5] (never exactly 3, which is a zero signal); the dense matrix holds the signals (s − 3)/2, 0 = no rating.</summary>
    internal static (List<FeedbackEvent> Events, double[,] Dense) RandomRatings(Random random, int users, int items, double density)
    {
        var events = new List<FeedbackEvent>();
        var dense = new double[users, items];
        for (int u = 0; u < users; u++)
        for (int i = 0; i < items; i++)
        {
            if (random.NextDouble() > density) continue;
            double stars = Math.Round(1 + random.NextDouble() * 4, 3);
            if (stars == 3) stars = 3.5;
            events.Add(FeedbackEvent.Rating(U(u), I(i), stars, Day(random.Next(0, 100))));
            dense[u, i] = (stars - 3) / 2;
        }
        return (events, dense);
    }

    /// <summary>The reference: every pair by brute force over the dense matrix.</summary>
    internal static List<Neighbour> NaiveNeighbours(double[,] dense, int item, SimilarityKind kind, double shrinkage, int minCommon, int k)
    {
        int users = dense.GetLength(0), items = dense.GetLength(1);
        var result = new List<Neighbour>();
        for (int j = 0; j < items; j++)
        {
            if (j == item) continue;
            double sim = NaiveSimilarity(dense, item, j, kind, shrinkage, minCommon, users);
            if (sim > 0) result.Add(new Neighbour(I(j), (float)sim));
        }
        return result.OrderByDescending(n => n.Similarity).ThenBy(n => n.Item.Value, StringComparer.Ordinal).Take(k).ToList();
    }

    internal static double NaiveSimilarity(double[,] dense, int a, int b, SimilarityKind kind, double shrinkage, int minCommon, int users)
    {
        var common = Enumerable.Range(0, users).Where(u => dense[u, a] != 0 && dense[u, b] != 0).ToList();
        int n = common.Count;
        if (n == 0 || n < minCommon) return 0;
        double sim;
        if (kind == SimilarityKind.Cosine)
        {
            double dot = common.Sum(u => dense[u, a] * dense[u, b]);
            double na = Math.Sqrt(Enumerable.Range(0, users).Sum(u => dense[u, a] * dense[u, a]));
            double nb = Math.Sqrt(Enumerable.Range(0, users).Sum(u => dense[u, b] * dense[u, b]));
            sim = dot / (na * nb);
        }
        else
        {
            if (n < 2) return 0;
            double ma = common.Average(u => dense[u, a]), mb = common.Average(u => dense[u, b]);
            double cov = common.Sum(u => (dense[u, a] - ma) * (dense[u, b] - mb));
            double va = common.Sum(u => (dense[u, a] - ma) * (dense[u, a] - ma));
            double vb = common.Sum(u => (dense[u, b] - mb) * (dense[u, b] - mb));
            if (va < 1e-12 || vb < 1e-12) return 0;
            sim = cov / Math.Sqrt(va * vb);
        }
        return sim * n / (n + shrinkage);
    }

    internal static void AssertSameNeighbours(IReadOnlyList<Neighbour> expected, IReadOnlyList<Neighbour> actual)
    {
        // Near-ties may come out in either order (summation order differs); compare values by position and ids as sets.
        Assert.Equal(expected.Count, actual.Count);
        for (int n = 0; n < expected.Count; n++) Assert.Equal(expected[n].Similarity, actual[n].Similarity, 1e-5);
        var boundary = expected.Count == 0 ? 0 : expected[^1].Similarity;
        var missing = expected.Select(e => e.Item).Except(actual.Select(a => a.Item)).ToList();
        Assert.All(missing, m => Assert.Equal(boundary, expected.Single(e => e.Item == m).Similarity, 1e-5));
    }
}
