using Lookalike.Core.Learning;

namespace Lookalike.Core.Tests.Learning;

public class ProjectionTests
{
    private static Projection TwoLayer(int seed, int d = 7, int h = 5, int input = 0)
    {
        var random = new Random(seed);
        float[] Values(int n) => Enumerable.Range(0, n).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        input = Math.Max(input, d);
        return new Projection([new ProjectionLayer(input, h, Values(input * h), Values(h), Relu: true), new ProjectionLayer(h, d, Values(h * d), Values(d), Relu: false)], residual: true);
    }

    /// <summary>Scalar double-precision reference of y = normalise(W₂ relu(W₁x + b₁) + b₂ + x[..d]).</summary>
    private static double[] Reference(Projection p, float[] x)
    {
        double[] current = x.Select(v => (double)v).ToArray();
        foreach (var layer in p.Layers)
        {
            var next = new double[layer.Outputs];
            for (int o = 0; o < layer.Outputs; o++)
            {
                double sum = layer.Bias[o];
                for (int i = 0; i < layer.Inputs; i++) sum += layer.Weights[o * layer.Inputs + i] * current[i];
                next[o] = layer.Relu ? Math.Max(sum, 0) : sum;
            }
            current = next;
        }
        if (p.Residual) for (int i = 0; i < current.Length; i++) current[i] += x[i];
        double norm = Math.Sqrt(current.Sum(v => v * v));
        return current.Select(v => v / norm).ToArray();
    }

    /// <summary>Twenty random inputs: <c>Apply</c> equals the scalar reference.</summary>
    private static void AssertMatchesReference(Projection p, int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var x = Enumerable.Range(0, p.InputDimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var y = new float[p.OutputDimension];
            p.Apply(x, y);
            var expected = Reference(p, x);
            for (int i = 0; i < p.OutputDimension; i++) Assert.Equal(expected[i], y[i], 5);
        }
    }

    [Fact]
    public void Apply_TwoLayerResidual_MatchesScalarReference() => AssertMatchesReference(TwoLayer(3), seed: 4);

    /// <summary>
    /// Many rows at once (index builds): each layer one packed matrix product over the block. Every row matches the
    /// scalar reference, for shapes that leave partial tiles, with and without a readout beside the vector.
    /// </summary>
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 37)]
    [InlineData(90, 300)]
    public void ApplyRows_AndApplyAll_MatchTheScalarReference(int input, int count)
    {
        var p = TwoLayer(11, d: 37, h: 70, input: input);
        var random = new Random(12);
        var rows = Enumerable.Range(0, count * p.InputDimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var mapped = new float[count * p.OutputDimension];
        p.ApplyRows(rows, count, mapped, new Core.Vectors.PackedProduct());
        var all = p.ApplyAll(rows, count);
        for (int r = 0; r < count; r++)
        {
            var expected = Reference(p, rows.AsSpan(r * p.InputDimension, p.InputDimension).ToArray());
            for (int i = 0; i < p.OutputDimension; i++)
            {
                Assert.Equal(expected[i], mapped[r * p.OutputDimension + i], 1e-5);
                Assert.Equal(expected[i], all[r * p.OutputDimension + i], 1e-5);
            }
        }
        Assert.Throws<ArgumentException>(() => p.ApplyRows(rows, count + 1, mapped, new Core.Vectors.PackedProduct()));
    }

    /// <summary>A head that reads a readout beside the vector: the residual adds the vector, the input's leading values.</summary>
    [Fact]
    public void Apply_ResidualWithWiderInput_AddsTheLeadingValues_AndRoundTrips()
    {
        var p = TwoLayer(8, d: 7, h: 5, input: 12);
        Assert.Equal(12, p.InputDimension);
        Assert.Equal(7, p.OutputDimension);
        AssertMatchesReference(p, seed: 9);
        var x = Enumerable.Range(0, 12).Select(i => i / 12f - 0.5f).ToArray();
        var whole = new float[7];
        p.Apply(x, whole);
        Assert.Equal(whole, p.ApplyWithReadout(x.AsSpan(0, 7), x.AsSpan(7)));   // vector and readout given apart
        Assert.Throws<ArgumentException>(() => p.ApplyWithReadout(x.AsSpan(0, 7), x.AsSpan(7, 4)));
        Assert.Equal(p.ToBytes(), Projection.FromBytes(p.ToBytes()).ToBytes());
    }

    [Fact]
    public void ToBytes_FromBytes_RoundTripsExactly()
    {
        var p = TwoLayer(5);
        var back = Projection.FromBytes(p.ToBytes());
        Assert.Equal(p.ToBytes(), back.ToBytes());
        Assert.Equal(p.Fingerprint(), back.Fingerprint());
        Assert.True(back.Residual);
        Assert.Equal(7, back.InputDimension);
        Assert.Equal(7, back.OutputDimension);
    }

    [Fact]
    public void FromBytes_DamagedOrForeign_ThrowsFormatException()
    {
        var bytes = TwoLayer(6).ToBytes();
        Assert.Throws<FormatException>(() => Projection.FromBytes(bytes.AsSpan(0, bytes.Length - 3)));
        Assert.Throws<FormatException>(() => Projection.FromBytes("not a projection at all"u8));
        var otherVersion = (byte[])bytes.Clone();
        otherVersion[8] = 99;
        Assert.Contains("version", Assert.Throws<FormatException>(() => Projection.FromBytes(otherVersion)).Message);
    }

    [Fact]
    public void Constructor_LayersThatDoNotChain_Throws()
    {
        var a = new ProjectionLayer(4, 3, new float[12], new float[3], false);
        var b = new ProjectionLayer(2, 4, new float[8], new float[4], false);
        Assert.Throws<ArgumentException>(() => new Projection([a, b], residual: false));
        Assert.Contains("cannot be wider", Assert.Throws<ArgumentException>(() => new Projection([b], residual: true)).Message);
    }
}
