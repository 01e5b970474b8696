using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;

namespace Lookalike.Core.Tests.Retrieval;

public class KReciprocalRerankTests
{
    /// <summary>A unit vector <paramref name="angle"/> degrees from (1,0,0), in the tangent direction <paramref name="azimuth"/>.</summary>
    private static float[] At(double angle, double azimuth)
    {
        double a = angle * Math.PI / 180, z = azimuth * Math.PI / 180;
        return [(float)Math.Cos(a), (float)(Math.Sin(a) * Math.Cos(z)), (float)(Math.Sin(a) * Math.Sin(z))];
    }

    private static List<SearchHit> Shortlist(float[] query, Dictionary<ItemId, float[]> vectors) =>
        vectors.Select(kv => new SearchHit(kv.Key, kv.Value.Zip(query, (a, b) => a * b).Sum()))
            .OrderByDescending(h => h.Score).ThenBy(h => h.Id.Value, StringComparer.Ordinal).ToList();

    [Fact]
    public void Rerank_NearestButNotReciprocal_DemotedBelowTheQuerysCluster()
    {
        // The query's own cluster a0..a5 lies 10° away on one side; x is nearer (7°) but sits in front of a tight
        // cluster b0..b5 whose members are all nearer to x than the query is, so x's 5 nearest do not include the query.
        var vectors = new Dictionary<ItemId, float[]> { [ItemId.Parse("x")] = At(7, 0) };
        for (int i = 0; i < 6; i++) vectors[ItemId.Parse($"a{i}")] = At(10, 120 + 24 * i);
        double[][] b = [[11, 0], [12, 5], [12, -5], [13, 0], [11.5, 7], [11.5, -7]];
        for (int i = 0; i < b.Length; i++) vectors[ItemId.Parse($"b{i}")] = At(b[i][0], b[i][1]);
        float[] query = At(0, 0);
        var plain = Shortlist(query, vectors);
        Assert.Equal("x", plain[0].Id.Value);

        var reranked = KReciprocalRerank.Rerank(query, plain, id => vectors[id], new KReciprocalSpec(K1: 5, K2: 1, Lambda: 0.3f));
        string order = string.Join(" ", reranked.Select(h => h.Id.Value));
        Assert.True(reranked.Take(5).All(h => h.Id.Value.StartsWith('a')), order); // was: x, then a's
        Assert.True(reranked.ToList().FindIndex(h => h.Id.Value == "x") >= 5, order);
        Assert.Equal(plain.ToHashSet(), reranked.ToHashSet()); // same hits, same cosine scores, another order
    }

    [Theory]
    [InlineData(5, 20, 6, 0.3f, 1)]
    [InlineData(31, 20, 6, 0.3f, 2)]
    [InlineData(31, 4, 1, 0f, 3)]
    [InlineData(101, 20, 6, 0.3f, 4)]
    [InlineData(60, 7, 3, 0.8f, 5)]
    public void Distances_SeededClusters_MatchNaiveReference(int n, int k1, int k2, float lambda, int seed)
    {
        var random = new Random(seed);
        int dimension = 7;
        var centres = Enumerable.Range(0, 4).Select(_ => Enumerable.Range(0, dimension).Select(_ => random.NextSingle() * 2 - 1).ToArray()).ToArray();
        var points = Enumerable.Range(0, n).Select(i =>
        {
            var c = centres[random.Next(centres.Length)];
            var p = c.Select(v => v + (random.NextSingle() - 0.5f) * 0.8f).ToArray();
            float norm = MathF.Sqrt(p.Sum(v => v * v));
            return p.Select(v => v / norm).ToArray();
        }).ToArray();
        var spec = new KReciprocalSpec(k1, k2, lambda);
        var distance = new float[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                distance[i * n + j] = i == j ? 0 : Math.Max(0, 2 - 2 * points[i].Zip(points[j], (a, b) => a * b).Sum());

        float[] actual = KReciprocalRerank.Distances(distance, n, spec);
        double[] expected = NaiveReference(distance, n, spec);
        for (int g = 1; g < n; g++) Assert.Equal(expected[g], actual[g], 1e-5);

        // Rerank orders the shortlist by exactly these distances.
        var ids = Enumerable.Range(1, n - 1).Select(i => ItemId.Parse($"p{i:000}")).ToList();
        var hits = ids.Select((id, i) => new SearchHit(id, points[i + 1].Zip(points[0], (a, b) => a * b).Sum())).ToList();
        var reranked = KReciprocalRerank.Rerank(points[0], hits, id => points[ids.IndexOf(id) + 1], spec);
        var order = reranked.Select(h => ids.IndexOf(h.Id) + 1).ToList();
        for (int r = 1; r < order.Count; r++) Assert.True(actual[order[r - 1]] <= actual[order[r]]);
    }

    /// <summary>The paper's definitions written out with sets, in doubles, for point 0 as the query.</summary>
    private static double[] NaiveReference(float[] distance, int n, KReciprocalSpec spec)
    {
        double D(int i, int j) => distance[i * n + j] / Enumerable.Range(0, n).Max(c => (double)distance[i * n + c]);
        int[] Nearest(int i, int k) => Enumerable.Range(0, n).OrderBy(p => p == i ? -1 : D(i, p)).ThenBy(p => p).Take(k + 1).ToArray();
        HashSet<int> R(int i, int k) => Nearest(i, Math.Min(k, n - 1)).Where(p => Nearest(p, Math.Min(k, n - 1)).Contains(i)).ToHashSet();
        int k1 = spec.K1, half = (int)Math.Round(spec.K1 / 2.0, MidpointRounding.ToEven);
        double[] Encoding(int i)
        {
            var set = R(i, k1);
            var expanded = new HashSet<int>(set);
            foreach (int c in set)
            {
                var cs = R(c, half);
                if (cs.Intersect(set).Count() > 2.0 / 3 * cs.Count) expanded.UnionWith(cs);
            }
            double total = expanded.Sum(p => Math.Exp(-D(i, p)));
            return Enumerable.Range(0, n).Select(p => expanded.Contains(p) ? Math.Exp(-D(i, p)) / total : 0).ToArray();
        }
        var v = Enumerable.Range(0, n).Select(Encoding).ToArray();
        int k2 = Math.Min(spec.K2, n);
        var smoothed = Enumerable.Range(0, n).Select(i =>
            Enumerable.Range(0, n).Select(p => Nearest(i, k2 - 1).Average(t => v[t][p])).ToArray()).ToArray();
        return Enumerable.Range(0, n).Select(g =>
        {
            double min = Enumerable.Range(0, n).Sum(p => Math.Min(smoothed[0][p], smoothed[g][p]));
            double max = Enumerable.Range(0, n).Sum(p => Math.Max(smoothed[0][p], smoothed[g][p]));
            return (1 - spec.Lambda) * (1 - min / max) + spec.Lambda * D(0, g);
        }).ToArray();
    }

    [Theory]
    [InlineData("kr", "kr(k1=20,k2=6,lambda=0.3,shortlist=100)")]
    [InlineData("KR(k1=10, lambda=0.5)", "kr(k1=10,k2=6,lambda=0.5,shortlist=100)")]
    [InlineData("kr(shortlist=50,k2=1)", "kr(k1=20,k2=1,lambda=0.3,shortlist=50)")]
    public void Parse_PrintsBackCanonically(string text, string printed)
    {
        var spec = KReciprocalSpec.Parse(text);
        Assert.Equal(printed, spec.ToString());
        Assert.Equal(spec, KReciprocalSpec.Parse(printed));
    }

    [Theory]
    [InlineData("knn")]
    [InlineData("kr(k1=0)")]
    [InlineData("kr(lambda=2)")]
    [InlineData("kr(k3=1)")]
    [InlineData("kr(k1=5,k1=6)")]
    public void Parse_Bad_InvalidArgumentNamingRerank(string text)
    {
        var e = Assert.Throws<LookalikeException>(() => KReciprocalSpec.Parse(text));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("rerank", e.Subject);
        Assert.Contains(text, e.Message, StringComparison.Ordinal);
    }
}
