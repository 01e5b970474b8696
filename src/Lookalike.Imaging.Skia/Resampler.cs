using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>Draws decoded pixels through one transform (orientation, scale, crop or pad) onto a white canvas.</summary>
internal static class Resampler
{
    /// <summary>
    /// Sampling for a transform whose per-axis scale factors are <paramref name="scaleX"/> and <paramref name="scaleY"/>
    /// (output pixels per source pixel); with <paramref name="linearUpscale"/>, bilinear where both factors exceed 1.
    /// </summary>
    /// <remarks>
    /// Skia's old "high quality" rule, which is good for the downscaling we mostly do:
    /// <list type="bullet">
    /// <item>exactly 1:1 (orientation only): nearest, an exact pixel copy;</item>
    /// <item>both factors ≥ ½: Mitchell cubic (B = C = ⅓), sharp without ringing;</item>
    /// <item>any factor &lt; ½: trilinear mipmaps. Cubic and bilinear read a fixed 4×4 / 2×2 footprint and alias badly
    /// when shrinking more than 2×; mipmaps average every source pixel. JPEGs mostly avoid this branch because they
    /// are decoded at a reduced scale first (<see cref="ScaledDecode"/>).</item>
    /// </list>
    /// </remarks>
    public static SKSamplingOptions ChooseSampling(double scaleX, double scaleY, bool exactCopy, bool linearUpscale = false)
    {
        if (exactCopy)
            return new SKSamplingOptions(SKFilterMode.Nearest, SKMipmapMode.None);
        if (linearUpscale && Math.Min(scaleX, scaleY) > 1)
            return new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None);
        if (Math.Min(scaleX, scaleY) >= 0.5)
            return new SKSamplingOptions(SKCubicResampler.Mitchell);
        return new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear);
    }

    /// <summary>
    /// Returns a new opaque RGBA8888 bitmap of size <paramref name="canvasSize"/>: white, with <paramref name="source"/>
    /// drawn source-over through <paramref name="transform"/>, only inside <paramref name="clip"/> when given. The caller owns (disposes) the result.
    /// </summary>
    /// <returns>null when the output pixels cannot be allocated.</returns>
    public static SKBitmap? Render(SKBitmap source, SKMatrix transform, SKSizeI canvasSize, SKRect? clip = null, bool linearUpscale = false)
    {
        var output = new SKBitmap();
        var info = new SKImageInfo(canvasSize.Width, canvasSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        if (!output.TryAllocPixels(info))
        {
            output.Dispose();
            return null;
        }

        // Scale factor of each output axis; the transform is axis-aligned or a quarter turn, so one of each pair is 0.
        double scaleX = Math.Sqrt(transform.ScaleX * transform.ScaleX + transform.SkewX * transform.SkewX);
        double scaleY = Math.Sqrt(transform.SkewY * transform.SkewY + transform.ScaleY * transform.ScaleY);
        bool exactCopy = scaleX == 1 && scaleY == 1
            && transform.TransX == MathF.Round(transform.TransX) && transform.TransY == MathF.Round(transform.TransY);
        var sampling = ChooseSampling(scaleX, scaleY, exactCopy, linearUpscale);

        using (var canvas = new SKCanvas(output))
        using (var pixmap = source.PeekPixels())
        using (var image = SKImage.FromPixels(pixmap)) // shares source's pixels, no copy
        using (var paint = new SKPaint { IsAntialias = false, BlendMode = SKBlendMode.SrcOver })
        {
            canvas.Clear(SKColors.White);
            if (clip is { } c) canvas.ClipRect(c); // in canvas pixels: set before the transform
            canvas.SetMatrix(transform);
            // The whole image is drawn, not a source sub-rectangle: the canvas clips CenterCrop's overflow, and
            // resampling at the crop edge sees the real neighbouring pixels instead of a clamped edge.
            canvas.DrawImage(image, 0, 0, sampling, paint);
            canvas.Flush();
        }
        return output;
    }
}
