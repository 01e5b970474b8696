using Lookalike.Core.Vectors;

namespace Lookalike.Core.Tests.Vectors;

public class SyntheticVectorsTests
{
    [Fact]
    public void SplitMix64_Seed1234567_MatchesTheReferenceSequence()
    {
        // The first outputs of the reference C implementation (Vigna, splitmix64.c) from seed 1234567.
        var random = new SplitMix64(1234567);
        Assert.Equal(6457827717110365317UL, random.NextUInt64());
        Assert.Equal(3203168211198807973UL, random.NextUInt64());
        Assert.Equal(9817491932198370423UL, random.NextUInt64());
    }

    [Fact]
    public void Generate_SameSeedAndStream_SameBytes_OtherSeedOrStream_Different()
    {
        float[] a = new SyntheticVectors(33, clusters: 20, seed: 7).Generate(100, stream: 3);
        float[] b = new SyntheticVectors(33, clusters: 20, seed: 7).Generate(100, stream: 3);
        Assert.Equal(a, b);
        Assert.NotEqual(a, new SyntheticVectors(33, clusters: 20, seed: 8).Generate(100, stream: 3));
        Assert.NotEqual(a, new SyntheticVectors(33, clusters: 20, seed: 7).Generate(100, stream: 4));
    }

    [Fact]
    public void Generate_Seed7_PinnedValues()
    {
        // Pinned so that a change to the generator (and so to every seeded benchmark and recall test) is deliberate.
        float[] v = new SyntheticVectors(4, clusters: 3, seed: 7).Generate(2, stream: 0);
        Assert.Equal(PinnedSeed7, v, (a, b) => MathF.Abs(a - b) < 1e-6f);
    }

    [Fact]
    public void Generate_Rows_AreUnitAndClustered()
    {
        const int d = 64;
        var data = new SyntheticVectors(d, clusters: 2, seed: 1).Generate(400, stream: 0);
        double[] cosines = new double[400 * 399 / 2];
        int k = 0;
        for (int i = 0; i < 400; i++)
        {
            Assert.Equal(1f, VectorMath.Norm(data.AsSpan(i * d, d)), 4);
            for (int j = i + 1; j < 400; j++) cosines[k++] = VectorMath.Dot(data.AsSpan(i * d, d), data.AsSpan(j * d, d));
        }
        // Two clusters at spread 1: about half the pairs share a centre (cos ≈ 0.5), the rest are near 0.
        double close = cosines.Count(c => c > 0.3) / (double)cosines.Length;
        Assert.InRange(close, 0.4, 0.6);
    }

    private static readonly float[] PinnedSeed7 = [-0.3191403f, -0.88541836f, 0.17926243f, 0.28644183f, 0.65310574f, -0.5911528f, 0.39120963f, 0.26635736f];
}
