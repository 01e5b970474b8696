using Lookalike.Core.Vectors;

namespace Lookalike.Core.Tests.Vectors;

public sealed class PackedProductTests
{
    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(13, 37, 19)]   // partial panels on both sides
    [InlineData(128, 64, 5120)] // a learner's batch through a wide layer
    [InlineData(8, 32, 3)]
    public void MultiplyTransposed_EqualsTheDotProductsInDouble(int m, int n, int k)
    {
        var random = new Random(m * 1000 + n * 10 + k);
        float[] Values(int count) => Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        float[] a = Values(m * k), b = Values(n * k);
        var c = Enumerable.Repeat(float.NaN, m * n + 3).ToArray(); // every value written, nothing past m×n
        var product = new PackedProduct();

        product.MultiplyTransposed(a, m, b, n, k, c);

        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double expected = 0;
                for (int t = 0; t < k; t++) expected += (double)a[i * k + t] * b[j * k + t];
                Assert.Equal(expected, c[i * n + j], 1e-4 * Math.Sqrt(k));
            }
        Assert.All(c[(m * n)..], v => Assert.True(float.IsNaN(v)));

        // The buffers are reused: a smaller product after a larger one is as exact.
        if (m < 2 || n < 3) return;
        float[] small = new float[2 * 3];
        product.MultiplyTransposed(a, 2, b, 3, k, small);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(c[i * n + j], small[i * 3 + j], 1e-5);
    }

    [Fact]
    public void MultiplyTransposed_ShortArray_IsRefused() =>
        Assert.Throws<ArgumentException>(() => new PackedProduct().MultiplyTransposed(new float[6], 2, new float[6], 2, 3, new float[3]));
}
