using Lookalike.Core.Retrieval;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Tests.Retrieval;

public class PcaWhiteningTests
{
    /// <summary>Gaussian points with standard deviations 5, 2, 1, 0.1 along the axes, shifted by (3, −1, 0, 2).</summary>
    private static float[] Anisotropic(int count, int seed)
    {
        var random = new Random(seed);
        double[] scales = [5, 2, 1, 0.1], offset = [3, -1, 0, 2];
        var rows = new float[count * 4];
        for (int r = 0; r < count; r++)
            for (int j = 0; j < 4; j++)
            {
                double g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                rows[r * 4 + j] = (float)(offset[j] + scales[j] * g);
            }
        return rows;
    }

    [Fact]
    public void Fit_AnisotropicData_FindsVariancesAndAxes()
    {
        var pca = PcaWhitening.Fit(Anisotropic(20_000, 1), 20_000, 4, 2, whiten: false);
        Assert.Equal(2, pca.OutputDimension);
        Assert.Equal(25, pca.Eigenvalues[0], 25 * 0.05);
        Assert.Equal(4, pca.Eigenvalues[1], 4 * 0.05);
        // A point moved along the first axis from the mean projects (almost) onto the first component only.
        var output = new float[2];
        pca.Transform([3 + 5, -1, 0, 2], output);
        Assert.True(Math.Abs(output[0]) > 0.99f, $"{output[0]}, {output[1]}");
    }

    [Fact]
    public void Transform_Whitened_ComponentsHaveEqualVariance()
    {
        const int n = 20_000;
        var rows = Anisotropic(n, 2);
        var pca = PcaWhitening.Fit(rows, n, 4, 4, whiten: true, epsilonFraction: 0);
        // Undo the final normalisation's effect by measuring the spread of directions: with whitening the mean
        // square of every output component is the same, 1/4.
        var output = pca.TransformAll(rows, n);
        for (int j = 0; j < 4; j++)
        {
            double meanSquare = 0;
            for (int r = 0; r < n; r++) meanSquare += output[r * 4 + j] * output[r * 4 + j];
            Assert.Equal(0.25, meanSquare / n, 0.02);
        }
        for (int r = 0; r < 10; r++) Assert.Equal(1f, VectorMath.Norm(output.AsSpan(r * 4, 4)), 1e-4f);
    }

    [Fact]
    public void Fit_BadArguments_Throw()
    {
        var rows = Anisotropic(10, 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => PcaWhitening.Fit(rows, 10, 4, 5));
        Assert.Throws<ArgumentException>(() => PcaWhitening.Fit(rows.AsSpan(0, 4), 1, 4, 2));
        Assert.Equal("pcaw(2)", PcaWhitening.Fit(rows, 10, 4, 2).ToString());
    }
}
