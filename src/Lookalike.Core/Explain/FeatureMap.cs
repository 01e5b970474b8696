namespace Lookalike.Core.Explain;

/// <summary>
/// A network's last feature map for one photo: <see cref="Values"/> is <c>[Channels, Rows, Cols]</c>, row-major
/// (ONNX's <c>[1, C, H, W]</c> without the batch axis). Row 0 is the top of the model input, column 0 its left.
/// </summary>
public sealed class FeatureMap
{
    public FeatureMap(int channels, int rows, int cols, float[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != checked(channels * rows * cols))
            throw new ArgumentException($"A {channels}x{rows}x{cols} feature map has {channels * rows * cols} values, got {values.Length}.", nameof(values));
        Channels = channels;
        Rows = rows;
        Cols = cols;
        Values = values;
    }

    public int Channels { get; }
    public int Rows { get; }
    public int Cols { get; }

    /// <summary>Number of locations, <c>Rows × Cols</c>.</summary>
    public int Area => Rows * Cols;

    /// <summary><c>[Channels, Rows, Cols]</c>; owned by this instance.</summary>
    public float[] Values { get; }
}
