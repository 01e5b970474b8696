using Lookalike.Core.Explain;
using Lookalike.Core.Learning;

namespace Lookalike.Core.Tests.Learning;

public class RegionReadoutTests
{
    /// <summary>Double-precision mean of a channel over rows×cols, from explicit cell lists.</summary>
    private static double Mean(FeatureMap map, int channel, int[] rows, int[] cols) =>
        rows.SelectMany(r => cols.Select(c => (double)map.Values[channel * map.Area + r * map.Cols + c])).Average();

    [Fact]
    public void Compute_SevenBySeven_AveragesThreeByThreeWindowsAtStrideTwo_EachUnitLength()
    {
        const int channels = 3;
        var random = new Random(5);
        var values = Enumerable.Range(0, channels * 49).Select(_ => (float)random.NextDouble()).ToArray();
        var map = new FeatureMap(channels, 7, 7, values);
        var readout = RegionReadout.Compute(map);
        Assert.Equal(RegionReadout.Dimension(channels), readout.Length);
        int[][] windows = [[0, 1, 2], [2, 3, 4], [4, 5, 6]];
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 3; c++)
            {
                var expected = Enumerable.Range(0, channels).Select(ch => Mean(map, ch, windows[r], windows[c])).ToArray();
                double norm = Math.Sqrt(expected.Sum(v => v * v));
                for (int ch = 0; ch < channels; ch++)
                    Assert.Equal(expected[ch] / norm, readout[(r * 3 + c) * channels + ch], 5);
            }
        }
    }

    [Fact]
    public void Compute_WhereOnlyOneCornerFires_OnlyThatRegionSeesIt()
    {
        var values = new float[2 * 49];
        for (int i = 49; i < 98; i++) values[i] = 1f;   // channel 1: everywhere
        values[6 * 7 + 6] = 5f;                          // channel 0: bottom-right cell only
        var readout = RegionReadout.Compute(new FeatureMap(2, 7, 7, values));
        for (int region = 0; region < 9; region++)
        {
            if (region == 8) Assert.True(readout[region * 2] > 0.4f, "the bottom-right region must see channel 0");
            else Assert.Equal(0f, readout[region * 2]);
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(14, 14)]
    [InlineData(4, 9)]
    public void Compute_AnyMapSize_GivesNineUnitRegions(int rows, int cols)
    {
        var random = new Random(rows * 31 + cols);
        var map = new FeatureMap(4, rows, cols, Enumerable.Range(0, 4 * rows * cols).Select(_ => (float)random.NextDouble() + 0.01f).ToArray());
        var readout = RegionReadout.Compute(map);
        Assert.Equal(36, readout.Length);
        for (int region = 0; region < 9; region++)
            Assert.Equal(1.0, Math.Sqrt(readout.AsSpan(region * 4, 4).ToArray().Sum(v => (double)v * v)), 5);
    }
}
