using Lookalike.Core.Vectors;

namespace Lookalike.Core.Tests.Vectors;

public class VectorMathTests
{
    [Fact]
    public void Dot_EveryLength1To256_MatchesScalarReference()
    {
        var random = new Random(7);
        for (int length = 1; length <= 256; length++)
        {
            var a = new float[length];
            var b = new float[length];
            for (int i = 0; i < length; i++) { a[i] = (float)(random.NextDouble() * 2 - 1); b[i] = (float)(random.NextDouble() * 2 - 1); }
            double expected = 0;
            for (int i = 0; i < length; i++) expected += (double)a[i] * b[i];
            Assert.Equal(expected, VectorMath.Dot(a, b), 1e-4);
        }
    }

    [Fact]
    public void Normalize_NonZero_GivesUnitLength()
    {
        var v = new float[] { 3, 4, 0 };
        Assert.True(VectorMath.Normalize(v));
        Assert.Equal(new float[] { 0.6f, 0.8f, 0 }, v);
        Assert.Equal(1f, VectorMath.Norm(v), 1e-6f);
    }

    [Fact]
    public void Normalize_ZeroVector_ReturnsFalseAndLeavesIt()
    {
        var v = new float[4];
        Assert.False(VectorMath.Normalize(v));
        Assert.All(v, x => Assert.Equal(0f, x));
    }
}
