using System.Numerics.Tensors;
using Lookalike.Core.Explain;

namespace Lookalike.Core.Learning;

/// <summary>
/// What a metric head can read of a photo beyond its pooled vector: the last feature map's 3×3 grid of overlapping
/// windows (3×3 cells each on ResNet18's 7×7 map), each averaged and normalised to unit length — where in the photo
/// each pattern is, which average pooling throws away. On products, a head that reads it beside the vector gains ~6
/// more points of held-out mAP@10 than one that reads the vector alone, as close to raw on categories it never saw —
/// and loses on shopper photos, whose regions hold other things (docs/evaluation.md, learned space, round 7).
/// </summary>
public static class RegionReadout
{
    /// <summary>Windows per side.</summary>
    public const int Grid = 3;

    /// <summary>Values the readout of a map with <paramref name="channels"/> channels has.</summary>
    public static int Dimension(int channels) => Grid * Grid * channels;

    /// <summary>The readout of <paramref name="map"/>: <see cref="Grid"/>² unit vectors of its channels, row by row from the top left.</summary>
    public static float[] Compute(FeatureMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var readout = new float[Dimension(map.Channels)];
        Compute(map.Values, map.Channels, map.Rows, map.Cols, readout);
        return readout;
    }

    /// <summary>
    /// The readout of a map given as <c>[Channels, Rows, Cols]</c> values (<paramref name="values"/>, row-major), written
    /// into <paramref name="destination"/> (<see cref="Dimension"/> values).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths that do not match the shape.</exception>
    public static void Compute(ReadOnlySpan<float> values, int channels, int rows, int cols, Span<float> destination)
    {
        int area = rows * cols;
        if (values.Length != channels * area) throw new ArgumentException($"A {channels}x{rows}x{cols} map has {channels * area} values, got {values.Length}.", nameof(values));
        if (destination.Length != Dimension(channels)) throw new ArgumentException($"The readout has {Dimension(channels)} values, got room for {destination.Length}.", nameof(destination));
        var (rowStarts, rowSize) = Windows(rows);
        var (colStarts, colSize) = Windows(cols);
        float cells = rowSize * colSize;
        for (int r = 0; r < Grid; r++)
        {
            for (int c = 0; c < Grid; c++)
            {
                var region = destination.Slice((r * Grid + c) * channels, channels);
                for (int channel = 0; channel < channels; channel++)
                {
                    var plane = values.Slice(channel * area, area);
                    float sum = 0;
                    for (int y = rowStarts[r]; y < rowStarts[r] + rowSize; y++) sum += TensorPrimitives.Sum(plane.Slice(y * cols + colStarts[c], colSize));
                    region[channel] = sum / cells;
                }
                Vectors.VectorMath.Normalize(region);
            }
        }
    }

    /// <summary>Whether window <paramref name="window"/> (row by row from the top left) of a <paramref name="rows"/>×<paramref name="cols"/> map holds cell (<paramref name="row"/>, <paramref name="col"/>).</summary>
    public static bool Contains(int rows, int cols, int window, int row, int col)
    {
        var (rowStarts, rowSize) = Windows(rows);
        var (colStarts, colSize) = Windows(cols);
        int windowRow = window / Grid, windowCol = window % Grid;
        return row >= rowStarts[windowRow] && row < rowStarts[windowRow] + rowSize && col >= colStarts[windowCol] && col < colStarts[windowCol] + colSize;
    }

    /// <summary>Cells in each window of a <paramref name="rows"/>×<paramref name="cols"/> map.</summary>
    public static int WindowCells(int rows, int cols) => Windows(rows).Size * Windows(cols).Size;

    /// <summary><see cref="Grid"/> windows of equal size covering <paramref name="length"/> cells, overlapping where they must.</summary>
    private static (int[] Starts, int Size) Windows(int length)
    {
        int size = Math.Max(1, (length + Grid - 1) / Grid);
        var starts = new int[Grid];
        for (int i = 0; i < Grid; i++) starts[i] = (int)Math.Round((double)i * (length - size) / (Grid - 1), MidpointRounding.AwayFromZero);
        return (starts, size);
    }
}
