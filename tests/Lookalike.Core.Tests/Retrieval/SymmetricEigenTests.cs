using Lookalike.Core.Retrieval;

namespace Lookalike.Core.Tests.Retrieval;

public class SymmetricEigenTests
{
    [Fact]
    public void Decompose_TwoByTwo_MatchesHandSolution()
    {
        // [[2,1],[1,2]]: eigenvalues 3 (1,1)/√2 and 1 (1,−1)/√2.
        var (values, vectors) = SymmetricEigen.Decompose([2, 1, 1, 2], 2);
        Assert.Equal(3, values[0], 10);
        Assert.Equal(1, values[1], 10);
        Assert.Equal(1, Math.Abs(vectors[0][0] + vectors[0][1]) / Math.Sqrt(2), 10);
        Assert.Equal(0, vectors[0][0] - vectors[0][1], 10);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(17)]
    public void Decompose_RandomSymmetric_ReconstructsAndIsOrthonormal(int n)
    {
        var random = new Random(n);
        var a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++) a[i * n + j] = a[j * n + i] = random.NextDouble() * 2 - 1;
        var (values, vectors) = SymmetricEigen.Decompose(a, n);
        for (int i = 1; i < n; i++) Assert.True(values[i - 1] >= values[i]);
        for (int p = 0; p < n; p++)
        {
            for (int q = 0; q < n; q++)
            {
                double dot = 0;
                for (int k = 0; k < n; k++) dot += vectors[p][k] * vectors[q][k];
                Assert.Equal(p == q ? 1 : 0, dot, 9);
            }
            // A v = λ v
            for (int i = 0; i < n; i++)
            {
                double av = 0;
                for (int k = 0; k < n; k++) av += a[i * n + k] * vectors[p][k];
                Assert.Equal(values[p] * vectors[p][i], av, 9);
            }
        }
    }
}
