using Lookalike.Core.Embedding;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// Turns interleaved RGB24 bytes into the planar float32 input tensor a <see cref="ModelManifest"/> describes:
/// plane <c>c</c> (in <see cref="ModelManifest.ChannelOrder"/>) holds <c>(pixel * Scale - Mean[c]) / Std[c]</c>.
/// </summary>
/// <remarks>
/// The formula is applied literally (not folded into one multiply-add) so any other implementation of the
/// manifest, e.g. a Python reference, produces bit-identical tensors. Per image it is ~150k float ops, noise
/// next to the model itself, so it is deliberately not vectorised.
/// </remarks>
internal sealed class PixelTensorWriter
{
    // Plane p reads byte _source[p] of each RGB triple: RGB → 0,1,2; BGR → 2,1,0.
    private readonly int _source0, _source1, _source2;
    private readonly float _scale;
    private readonly float _mean0, _mean1, _mean2;
    private readonly float _std0, _std1, _std2;

    public PixelTensorWriter(ModelManifest manifest)
    {
        (_source0, _source1, _source2) = manifest.ChannelOrder == ChannelOrder.Bgr ? (2, 1, 0) : (0, 1, 2);
        _scale = manifest.Scale;
        (_mean0, _mean1, _mean2) = (manifest.Mean[0], manifest.Mean[1], manifest.Mean[2]);
        (_std0, _std1, _std2) = (manifest.Std[0], manifest.Std[1], manifest.Std[2]);
    }

    /// <summary>Writes <paramref name="rgb"/> (<c>n*3</c> bytes) as three planes of <c>n</c> floats into <paramref name="destination"/>.</summary>
    /// <remarks>The caller guarantees <c>destination.Length == rgb.Length</c>.</remarks>
    public void Write(ReadOnlySpan<byte> rgb, Span<float> destination)
    {
        int n = rgb.Length / 3;
        Span<float> plane0 = destination[..n];
        Span<float> plane1 = destination.Slice(n, n);
        Span<float> plane2 = destination.Slice(2 * n, n);
        for (int i = 0, j = 0; i < n; i++, j += 3)
        {
            plane0[i] = (rgb[j + _source0] * _scale - _mean0) / _std0;
            plane1[i] = (rgb[j + _source1] * _scale - _mean1) / _std1;
            plane2[i] = (rgb[j + _source2] * _scale - _mean2) / _std2;
        }
    }
}
