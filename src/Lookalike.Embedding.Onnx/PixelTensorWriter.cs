using Lookalike.Core.Embedding;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// Turns interleaved RGB24 bytes into the planar float32 input tensor a <see cref="ModelManifest"/> describes:
/// plane <c>c</c> (in <see cref="ModelManifest.ChannelOrder"/>) holds <c>(pixel * Scale - Mean[c]) / Std[c]</c>;
/// with a <see cref="FoldedPreprocess"/>, plane <c>c</c> then becomes plane <c>Permutation[c]</c> plus
/// <c>Offset[c]</c>, which is what the folded graph computed.
/// </summary>
/// <remarks>
/// The formula is applied literally (not folded into one multiply-add) so any other implementation of the
/// manifest, e.g. a Python reference, produces bit-identical tensors. A byte has 256 values, so the formula is
/// evaluated once per value and channel into a table at construction; the per-pixel loop is a table load (and
/// one addition when folded), writing straight into the tensor's memory.
/// </remarks>
internal sealed class PixelTensorWriter
{
    // Plane p reads byte _source[p] of each RGB triple and maps it through _table[p].
    private readonly int[] _source = new int[3];
    private readonly float[][] _table = new float[3][];
    private readonly float[]? _offset;
    private readonly int _width;

    public PixelTensorWriter(ModelManifest manifest, FoldedPreprocess? fold = null)
    {
        int[] order = manifest.ChannelOrder == ChannelOrder.Bgr ? [2, 1, 0] : [0, 1, 2];
        float[][] manifestTables = new float[3][];
        for (int c = 0; c < 3; c++)
        {
            float scale = manifest.Scale, mean = manifest.Mean[c], std = manifest.Std[c];
            manifestTables[c] = new float[256];
            for (int v = 0; v < 256; v++) manifestTables[c][v] = (v * scale - mean) / std;
        }
        for (int p = 0; p < 3; p++)
        {
            int c = fold is null ? p : fold.Permutation[p]; // the manifest plane this output plane takes
            _source[p] = order[c];
            _table[p] = manifestTables[c];
        }
        _offset = fold?.Offset;
        _width = manifest.InputWidth;
    }

    /// <summary>Writes <paramref name="rgb"/> (<c>n*3</c> bytes) as three planes of <c>n</c> floats into <paramref name="destination"/>.</summary>
    /// <remarks>The caller guarantees <c>destination.Length == rgb.Length</c> (and, when folded, that it equals the offset's length).</remarks>
    public void Write(ReadOnlySpan<byte> rgb, Span<float> destination, bool mirror = false)
    {
        if (mirror)
        {
            WriteMirrored(rgb, destination);
            return;
        }
        int n = rgb.Length / 3;
        for (int p = 0; p < 3; p++)
        {
            ReadOnlySpan<float> table = _table[p];
            Span<float> plane = destination.Slice(p * n, n);
            int source = _source[p];
            if (_offset is null)
            {
                for (int i = 0, j = source; i < plane.Length; i++, j += 3)
                    plane[i] = table[rgb[j]];
            }
            else
            {
                ReadOnlySpan<float> offset = _offset.AsSpan(p * n, n);
                for (int i = 0, j = source; i < plane.Length; i++, j += 3)
                    plane[i] = table[rgb[j]] + offset[i];
            }
        }
    }

    /// <summary>
    /// As <see cref="Write"/> for the photo mirrored left–right (the manifest's input width per row): tensor pixel
    /// (y, x) takes photo pixel (y, width − 1 − x). A folded offset stays at the tensor position, as the folded graph
    /// would apply it to a mirrored photo.
    /// </summary>
    private void WriteMirrored(ReadOnlySpan<byte> rgb, Span<float> destination)
    {
        int n = rgb.Length / 3, width = _width, height = n / width;
        for (int p = 0; p < 3; p++)
        {
            ReadOnlySpan<float> table = _table[p];
            Span<float> plane = destination.Slice(p * n, n);
            ReadOnlySpan<float> offset = _offset is null ? default : _offset.AsSpan(p * n, n);
            int source = _source[p];
            for (int y = 0; y < height; y++)
            {
                int row = y * width;
                for (int x = 0, j = (row + width - 1) * 3 + source; x < width; x++, j -= 3)
                    plane[row + x] = offset.IsEmpty ? table[rgb[j]] : table[rgb[j]] + offset[row + x];
            }
        }
    }
}
