using Lookalike.Core.Catalog;
using Lookalike.Core.Learning;

namespace Lookalike.Core.Tests.Learning;

/// <summary>Vectors that carry their regions: the head learns on them split, and takes them whole once stored.</summary>
public sealed class RegionVectorsTests
{
    private const int Channels = 4;

    [Theory]
    [InlineData("resnet18+regions@1a2b3c4d", true)]
    [InlineData("resnet18-int8+gem3+Regions@1a2b3c4d", true)]
    [InlineData("resnet18+gem3@1a2b3c4d", false)]
    [InlineData("regions@1a2b3c4d", false)] // a manifest named so, without the readout
    [InlineData("imported-regions", false)]
    public void Carries_ReadsTheModelName(string model, bool expected) =>
        Assert.Equal(expected, RegionVectors.Carries(new ModelId(model)));

    [Fact]
    public void Split_GivesBackTheUnitVectorAndTheRegions()
    {
        var (vectors, readouts) = (Rows(6, Channels, 1), Rows(6, RegionReadout.Dimension(Channels), 2));
        var set = LearningSet.FromClasses(Stored(vectors, readouts), RegionVectors.Dimension(Channels), [0, 0, 1, 1, 2, 2]);

        var split = RegionVectors.Split(set);

        Assert.Equal(Channels, split.Dimension);
        Assert.Equal(RegionReadout.Dimension(Channels), split.ReadoutDimension);
        Assert.Equal(vectors, split.Vectors, (a, b) => Math.Abs(a - b) < 1e-6f);
        Assert.Equal(readouts, split.Readout!, (a, b) => Math.Abs(a - b) < 1e-6f);
        Assert.Equal(set.Classes, split.Classes);
    }

    [Fact]
    public void Split_RowsThatAreNotTenParts_AreRefused()
    {
        var set = LearningSet.FromClasses(Rows(2, 7, 3), 7, [0, 1]);
        var e = Assert.Throws<ArgumentException>(() => RegionVectors.Split(set));
        Assert.Contains("+regions", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, 2)]  // the metric head: affine + ReLU, affine, plus the pooled vector
    [InlineData(false, 2)]
    [InlineData(true, 1)]  // one residual layer: both scalings land on it
    public void TakeStored_MapsStoredVectorsAsTheLearnedProjectionMapsTheSplitOnes(bool residual, int layers)
    {
        int input = RegionVectors.Dimension(Channels);
        var random = new Random(7);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        Projection learned = layers == 2
            ? new Projection([new ProjectionLayer(input, 6, Values(input * 6), Values(6), Relu: true), new ProjectionLayer(6, Channels, Values(6 * Channels), Values(Channels), Relu: false)], residual)
            : new Projection([new ProjectionLayer(input, Channels, Values(input * Channels), Values(Channels), Relu: false)], residual);
        var (vectors, readouts) = (Rows(5, Channels, 4), Rows(5, RegionReadout.Dimension(Channels), 5));
        float[] stored = Stored(vectors, readouts);

        Projection taken = RegionVectors.TakeStored(learned);

        var (expected, actual) = (new float[Channels], new float[Channels]);
        for (int row = 0; row < 5; row++)
        {
            expected = learned.ApplyWithReadout(vectors.AsSpan(row * Channels, Channels), readouts.AsSpan(row * RegionReadout.Dimension(Channels), RegionReadout.Dimension(Channels)));
            taken.Apply(stored.AsSpan(row * input, input), actual);
            Assert.Equal(expected, actual, (a, b) => Math.Abs(a - b) < 1e-5f);
        }
    }

    /// <summary>Rows as a <c>+regions</c> model stores them: [vector, readout] scaled by 1/√10.</summary>
    private static float[] Stored(float[] vectors, float[] readouts)
    {
        int rows = vectors.Length / Channels, k = RegionReadout.Dimension(Channels), d = RegionVectors.Dimension(Channels);
        var stored = new float[rows * d];
        for (int r = 0; r < rows; r++)
        {
            for (int i = 0; i < Channels; i++) stored[r * d + i] = vectors[r * Channels + i] * RegionVectors.Scale;
            for (int i = 0; i < k; i++) stored[r * d + Channels + i] = readouts[r * k + i] * RegionVectors.Scale;
        }
        return stored;
    }

    private static float[] Rows(int count, int dimension, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * dimension).Select(_ => (float)random.NextDouble()).ToArray();
    }
}
