using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>Chooses a reduced decode size for JPEG (libjpeg-turbo decodes at k/8 scale, k = 1..8, in the DCT domain).</summary>
/// <remarks>
/// A 4000×3000 photo fitted to 224×224 decodes at 1/8 (500×375) instead of 12 megapixels: several times faster
/// and 64× less memory, and the DCT-domain reduction is itself a good low-pass filter. Other formats decode at
/// full size (Skia's PNG, GIF and BMP codecs cannot scale; WebP could, but is rarely large enough to matter).
/// </remarks>
internal static class ScaledDecode
{
    /// <summary>
    /// The smallest stored-orientation size offered by <paramref name="scaledDimensions"/> (k/8 for k = 1..7)
    /// that is at least <paramref name="minimumStored"/> on both axes; <paramref name="full"/> when none is.
    /// </summary>
    /// <param name="full">The stored image size.</param>
    /// <param name="minimumStored">The smallest acceptable decode size, in stored orientation.</param>
    /// <param name="scaledDimensions">The codec's answer for a scale factor (<see cref="SKCodec.GetScaledDimensions(float)"/>).</param>
    public static SKSizeI Choose(SKSizeI full, SKSizeI minimumStored, Func<float, SKSizeI> scaledDimensions)
    {
        for (int k = 1; k < 8; k++)
        {
            var size = scaledDimensions(k / 8f);
            if (size.Width >= minimumStored.Width && size.Height >= minimumStored.Height
                && size.Width <= full.Width && size.Height <= full.Height)
                return size;
        }
        return full;
    }
}
