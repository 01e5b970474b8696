using Lookalike.Core.Embedding;
using Lookalike.Core.Explain;
using Lookalike.Core.Learning;

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

    [Theory]
    [InlineData(false, false)] // learned whitening / LDA: one affine layer, the catalog mean folded into the bias
    [InlineData(false, true)]
    [InlineData(true, false)]  // the metric-learning head: affine, ReLU, affine, plus the input
    [InlineData(true, true)]
    public void Project_CellsSumToTheScoreInTheLearnedSpace(bool head, bool flip)
    {
        var pooling = flip ? EmbeddingPooling.Parse("gem3") : EmbeddingPooling.Average;
        var qa = SpatialEmbedding.Compute(Map(5, 3, 4), flip ? Map(7, 3, 4) : null, pooling);
        var qb = SpatialEmbedding.Compute(Map(6, 3, 4), flip ? Map(8, 3, 4) : null, pooling);
        var projection = head ? Head(qa.Dimension, new Random(11)) : Linear(qa.Dimension, 5, new Random(11));

        var pa = qa.Project(projection);
        var pb = qb.Project(projection);
        var expected = new float[projection.OutputDimension];
        projection.Apply(qa.Vector, expected);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], pa.Vector[i], 1e-5);

        var e = SimilarityExplanation.Compute(pa, pb);
        var other = new float[projection.OutputDimension];
        projection.Apply(qb.Vector, other);
        Assert.Equal(expected.Zip(other).Sum(x => (double)x.First * x.Second), e.Score, 1e-5);
        Assert.Equal(e.Score, SimilarityExplanation.Sum(e.QueryGrid), 1e-5);
        Assert.Equal(e.Score, SimilarityExplanation.Sum(e.ResultGrid), 1e-5);
        Assert.Equal(head || flip ? AttributionMethod.FirstOrder : AttributionMethod.Exact, e.Method);
        Assert.Equal(3, e.QueryGrid.Length);
        // The split is not uniform: the cells differ as the activations do.
        Assert.True(e.QueryGrid.SelectMany(r => r).Distinct().Count() > 6);
    }

    [Theory]
    [InlineData("avg", 1e-5)]
    [InlineData("gem3", 1e-4)]
    public void Compute_Regions_VectorIsStoredLayoutAndCellsSumToTheScore(string pooling, double tolerance)
    {
        var p = EmbeddingPooling.Parse(pooling);
        var (a, b) = (Map(1, 7, 7), Map(2, 7, 7));
        var qa = SpatialEmbedding.Compute(a, null, p, HeadReadout.Regions);
        var qb = SpatialEmbedding.Compute(b, null, p, HeadReadout.Regions);

        // The vector a +regions model stores: [pooled unit vector, the nine unit regions] / √10.
        float[] expected = [.. Reference(a, null, p), .. RegionReadout.Compute(a)];
        Assert.Equal(RegionVectors.Dimension(8), qa.Dimension);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i] * RegionVectors.Scale, qa.Vector[i], 1e-5);
        float[] sum = new float[qa.Dimension];
        for (int r = 0; r < 7; r++)
            for (int c = 0; c < 7; c++)
                System.Numerics.Tensors.TensorPrimitives.Add(sum, qa.Contribution(r, c), sum);
        for (int i = 0; i < sum.Length; i++) Assert.Equal(qa.Vector[i], sum[i], tolerance);

        var e = SimilarityExplanation.Compute(qa, qb);
        Assert.Equal(qa.Vector.Zip(qb.Vector).Sum(x => (double)x.First * x.Second), e.Score, 1e-5);
        Assert.Equal(e.Score, SimilarityExplanation.Sum(e.QueryGrid), tolerance);
        Assert.Equal(p.IsAverage ? AttributionMethod.Exact : AttributionMethod.FirstOrder, e.Method);
    }

    [Fact]
    public void Compute_RegionsWithAMirroredMap_IsRefused() =>
        Assert.Throws<ArgumentException>(() => SpatialEmbedding.Compute(Map(1, 3, 3), Map(2, 3, 3), EmbeddingPooling.Average, HeadReadout.Regions));

    [Fact]
    public void Project_OtherDimension_IsRefused()
    {
        var q = SpatialEmbedding.Compute(Map(5, 2, 2), null, EmbeddingPooling.Average);
        var ex = Assert.Throws<ArgumentException>(() => q.Project(Linear(9, 3, new Random(1))));
        Assert.Contains("9", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>An affine map <c>W·(x − μ)</c> with a positive μ, as learned whitening stores it.</summary>
    private static Projection Linear(int inputs, int outputs, Random random)
    {
        var weights = Enumerable.Range(0, inputs * outputs).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        var mean = Enumerable.Range(0, inputs).Select(_ => (float)random.NextDouble() * 0.3f).ToArray();
        return Projection.Linear(inputs, outputs, weights, mean);
    }

    /// <summary>A residual two-layer head whose hidden ReLUs are about half open.</summary>
    private static Projection Head(int dimension, Random random)
    {
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        const int hidden = 6;
        return new Projection(
            [new ProjectionLayer(dimension, hidden, Values(dimension * hidden), Values(hidden), Relu: true),
             new ProjectionLayer(hidden, dimension, Values(hidden * dimension), Values(dimension), Relu: false)],
            residual: true);
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
