using Lookalike.Core.Embedding;
using Lookalike.Core.Explain;

namespace Lookalike.Core.Tests.Explain;

/// <summary>The split of a cosine over feature grids, against a direct computation on random ReLU-like maps.</summary>
public sealed class SpatialEmbeddingTests
{
    [Theory]
    [InlineData("avg", false, 1e-5)]
    [InlineData("avg", true, 1e-5)]
    [InlineData("gem3", false, 1e-4)]
    [InlineData("gem2.5", true, 1e-4)]
    [InlineData("max", false, 1e-5)]
    public void Compute_VectorIsThePooledUnitVectorAndCellsSumToTheScore(string pooling, bool flip, double tolerance)
    {
        var p = EmbeddingPooling.Parse(pooling);
        var (a, am) = (Map(1, 3, 5), Map(2, 3, 5));
        var (b, bm) = (Map(3, 3, 5), Map(4, 3, 5));
        var qa = SpatialEmbedding.Compute(a, flip ? am : null, p);
        var qb = SpatialEmbedding.Compute(b, flip ? bm : null, p);
        float[] va = Reference(a, flip ? am : null, p), vb = Reference(b, flip ? bm : null, p);
        for (int i = 0; i < va.Length; i++) Assert.Equal(va[i], qa.Vector[i], 1e-5);

        var e = SimilarityExplanation.Compute(qa, qb);
        double score = va.Zip(vb).Sum(x => (double)x.First * x.Second);
        Assert.Equal(score, e.Score, 1e-5);
        Assert.Equal(score, SimilarityExplanation.Sum(e.QueryGrid), tolerance);
        Assert.Equal(score, SimilarityExplanation.Sum(e.ResultGrid), tolerance);
        Assert.Equal(p.IsAverage ? AttributionMethod.Exact : AttributionMethod.FirstOrder, e.Method);
        Assert.Equal(3, e.QueryGrid.Length);
        Assert.All(e.QueryGrid, row => Assert.Equal(5, row.Length));
    }

    [Fact]
    public void Compute_Flip_MirroredColumnsLandOnTheirOriginalPlace()
    {
        // A map with activity only in column 0, and its mirror with activity only in the last column: both views put it in column 0.
        var map = new FeatureMap(2, 1, 4, [5, 0, 0, 0, 1, 0, 0, 0]);
        var mirrored = new FeatureMap(2, 1, 4, [0, 0, 0, 5, 0, 0, 0, 1]);
        var s = SpatialEmbedding.Compute(map, mirrored, EmbeddingPooling.Average);
        Assert.True(s.Contribution(0, 0).ToArray().Sum() > 0.9);
        for (int c = 1; c < 4; c++) Assert.All(s.Contribution(0, c).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Project_LinearMap_StaysExact()
    {
        var p = EmbeddingPooling.Average;
        var qa = SpatialEmbedding.Compute(Map(5, 2, 2), null, p);
        var qb = SpatialEmbedding.Compute(Map(6, 2, 2), null, p);
        var random = new Random(7);
        float[,] w = new float[3, qa.Dimension];
        for (int r = 0; r < 3; r++) for (int c = 0; c < qa.Dimension; c++) w[r, c] = (float)(random.NextDouble() - 0.5);
        void Project(ReadOnlySpan<float> x, Span<float> y)
        {
            for (int r = 0; r < 3; r++) { float sum = 0; for (int c = 0; c < x.Length; c++) sum += w[r, c] * x[c]; y[r] = sum; }
        }
        var pa = qa.Project(Project, linear: true, 3);
        var pb = qb.Project(Project, linear: true, 3);
        var e = SimilarityExplanation.Compute(pa, pb);
        Assert.Equal(AttributionMethod.Exact, e.Method);
        Assert.Equal(1.0, pa.Vector.Sum(v => (double)v * v), 1e-5);
        Assert.Equal(e.Score, SimilarityExplanation.Sum(e.QueryGrid), 1e-5);
        Assert.Equal(e.Score, SimilarityExplanation.Sum(e.ResultGrid), 1e-5);
        Assert.Equal(AttributionMethod.FirstOrder, qa.Project(Project, linear: false, 3).Method);
    }

    /// <summary>A seeded [8, rows, cols] map, half of it exact zeros as after a ReLU.</summary>
    private static FeatureMap Map(int seed, int rows, int cols)
    {
        var random = new Random(seed);
        var values = new float[8 * rows * cols];
        for (int i = 0; i < values.Length; i++) values[i] = random.NextDouble() < 0.5 ? 0 : (float)(random.NextDouble() * 3);
        return new FeatureMap(8, rows, cols, values);
    }

    /// <summary>Pooling, normalisation and flip averaging written out directly, in double.</summary>
    private static float[] Reference(FeatureMap map, FeatureMap? mirrored, EmbeddingPooling pooling)
    {
        double[] Unit(FeatureMap m)
        {
            var v = new double[m.Channels];
            for (int c = 0; c < m.Channels; c++)
            {
                var plane = m.Values.Skip(c * m.Area).Take(m.Area).Select(x => (double)x).ToArray();
                v[c] = pooling.Kind switch
                {
                    PoolingKind.Max => plane.Max(),
                    PoolingKind.Gem => Math.Pow(plane.Average(x => Math.Pow(Math.Max(x, EmbeddingPooling.GemEpsilon), pooling.P)), 1 / pooling.P),
                    _ => plane.Average(),
                };
            }
            double n = Math.Sqrt(v.Sum(x => x * x));
            return v.Select(x => x / n).ToArray();
        }
        double[] u = Unit(map);
        if (mirrored is not null)
        {
            double[] um = Unit(mirrored);
            u = u.Zip(um, (x, y) => x + y).ToArray();
            double n = Math.Sqrt(u.Sum(x => x * x));
            u = u.Select(x => x / n).ToArray();
        }
        return u.Select(x => (float)x).ToArray();
    }
}
