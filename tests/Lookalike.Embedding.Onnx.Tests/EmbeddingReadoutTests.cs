using System.Numerics.Tensors;

namespace Lookalike.Embedding.Onnx.Tests;

public sealed class EmbeddingReadoutTests
{
    [Fact]
    public void Write_Rank4_AveragePoolsThenNormalises()
    {
        // [1, 2, 2, 2]: channel 0 averages to 3, channel 1 to 4 → (0.6, 0.8).
        float[] output = [1, 2, 4, 5, 4, 4, 4, 4];
        float[] destination = new float[2];
        Assert.Null(EmbeddingReadout.Write(output, [1, 2, 2, 2], 2, destination));
        Assert.Equal(0.6f, destination[0], 1e-6f);
        Assert.Equal(0.8f, destination[1], 1e-6f);
    }

    [Theory]
    [InlineData(new long[] { 1, 2 })]
    [InlineData(new long[] { 2 })]
    public void Write_Rank2Or1_CopiesThenNormalises(long[] shape)
    {
        float[] destination = new float[2];
        Assert.Null(EmbeddingReadout.Write([3f, 4f], shape, 2, destination));
        Assert.Equal([0.6f, 0.8f], destination);
    }

    [Fact]
    public void Write_AllZeros_StaysZero()
    {
        float[] destination = [9f, 9f];
        Assert.Null(EmbeddingReadout.Write([0f, 0f], [2], 2, destination));
        Assert.Equal([0f, 0f], destination);
    }

    [Fact]
    public void Write_NaN_ReportsProblem()
    {
        Assert.Contains("NaN", EmbeddingReadout.Write([float.NaN, 1f], [2], 2, new float[2]));
    }

    [Theory]
    [InlineData(new long[] { 1, 3 }, "3 channels")]
    [InlineData(new long[] { 1, 3, 1, 1 }, "3 channels")]
    [InlineData(new long[] { 2, 2 }, "supported are")]
    [InlineData(new long[] { 1, 2, 2 }, "supported are")]
    public void Check_UnusableShape_SaysWhy(long[] shape, string expected)
    {
        Assert.Contains(expected, EmbeddingReadout.Check(shape, 2));
    }

    [Theory]
    [InlineData(new long[] { -1, 2, -1, -1 })]
    [InlineData(new long[] { -1, -1 })]
    [InlineData(new long[] { 1, 2, 7, 7 })]
    public void Check_SymbolicOrMatchingDims_Accepted(long[] shape)
    {
        Assert.Null(EmbeddingReadout.Check(shape, 2));
    }

    [Fact]
    public void Write_LongDimension_UnitNorm()
    {
        float[] output = Enumerable.Range(0, 512 * 49).Select(i => (float)(i % 13)).ToArray();
        float[] destination = new float[512];
        Assert.Null(EmbeddingReadout.Write(output, [1, 512, 7, 7], 512, destination));
        Assert.Equal(1f, TensorPrimitives.Norm(destination), 1e-5f);
    }
}
