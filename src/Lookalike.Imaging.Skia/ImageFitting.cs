using Lookalike.Core.Imaging;
using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>Where the whole (oriented) image is drawn on an output canvas.</summary>
/// <param name="Canvas">Output size in pixels.</param>
/// <param name="Destination">
/// Rectangle, in canvas pixels, that the whole oriented image is scaled onto. It extends past the canvas for
/// <see cref="ResizeMode.CenterCrop"/> (the overflow is cut) and is smaller than the canvas for
/// <see cref="ResizeMode.Pad"/> (the rest stays white).
/// </param>
/// <param name="Clip">Canvas rectangle outside which nothing is drawn (a box fitted with <see cref="ResizeMode.Pad"/>); null for the whole canvas.</param>
internal readonly record struct FitLayout(SKSizeI Canvas, SKRect Destination, SKRect? Clip = null)
{
    /// <summary>
    /// The smallest source size that still makes the final resampling a reduction (or identity) on both axes:
    /// a reduced-scale decode must be at least this big.
    /// </summary>
    public SKSizeI MinimumSourceSize =>
        // The epsilon keeps float noise (224.00002) from asking for a whole extra pixel.
        new((int)Math.Ceiling(Destination.Width - 1e-3), (int)Math.Ceiling(Destination.Height - 1e-3));
}

/// <summary>Pure geometry for <see cref="ResizeMode"/> and thumbnails; no pixels are touched here.</summary>
internal static class ImageFitting
{
    /// <summary>The whole image drawn 1:1 (no target).</summary>
    public static FitLayout FullSize(SKSizeI source) => new(source, SKRect.Create(source.Width, source.Height));

    /// <summary>Fits an oriented <paramref name="source"/> into <paramref name="target"/>; the canvas is always exactly the target size.</summary>
    /// <remarks>
    /// With <see cref="ImageTarget.Box"/> the box is fitted as if it were the whole image, and the whole image is placed
    /// around it (so resampling at the box edge sees the real neighbouring pixels); a clip keeps the rest off the canvas.
    /// </remarks>
    /// <exception cref="Core.Errors.LookalikeException">InvalidArgument naming the box: outside the image, empty or tiny.</exception>
    public static FitLayout Fit(SKSizeI source, ImageTarget target)
    {
        if (target.Box is null) return Fit(source.Width, source.Height, target);
        var (bx, by, bw, bh) = target.Box.Resolve(source.Width, source.Height);
        var boxLayout = Fit(bw, bh, target);
        SKRect d = boxLayout.Destination;
        double sx = d.Width / bw, sy = d.Height / bh;
        var whole = SKRect.Create((float)(d.Left - bx * sx), (float)(d.Top - by * sy), (float)(source.Width * sx), (float)(source.Height * sy));
        var clip = SKRect.Intersect(d, SKRect.Create(target.Width, target.Height));
        return new FitLayout(boxLayout.Canvas, whole, clip);
    }

    private static FitLayout Fit(double sourceWidth, double sourceHeight, ImageTarget target)
    {
        var source = (Width: sourceWidth, Height: sourceHeight);
        int tw = target.Width, th = target.Height;
        double sx = tw / source.Width, sy = th / source.Height;
        var canvas = new SKSizeI(tw, th);
        switch (target.Mode)
        {
            case ResizeMode.Stretch:
                return new FitLayout(canvas, SKRect.Create(tw, th));
            case ResizeMode.CenterCrop:
            {
                // Shorter side (relative to the target) fills the target; the longer one overflows equally on both sides.
                double s = Math.Max(sx, sy);
                double w = source.Width * s, h = source.Height * s;
                return new FitLayout(canvas, SKRect.Create((float)((tw - w) / 2), (float)((th - h) / 2), (float)w, (float)h));
            }
            case ResizeMode.Pad:
            {
                // Whole-pixel content box, centred, so the white bars have crisp edges.
                double s = Math.Min(sx, sy);
                int w = Math.Clamp((int)Math.Round(source.Width * s), 1, tw);
                int h = Math.Clamp((int)Math.Round(source.Height * s), 1, th);
                return new FitLayout(canvas, SKRect.Create((tw - w) / 2, (th - h) / 2, w, h));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(target), target.Mode, "Unknown resize mode.");
        }
    }

    /// <summary>Scales so the longer side is at most <paramref name="maxSide"/>; never enlarges.</summary>
    public static FitLayout FitInside(SKSizeI source, int maxSide)
    {
        int longer = Math.Max(source.Width, source.Height);
        if (longer <= maxSide)
            return FullSize(source);
        double s = (double)maxSide / longer;
        var size = new SKSizeI(
            Math.Clamp((int)Math.Round(source.Width * s), 1, maxSide),
            Math.Clamp((int)Math.Round(source.Height * s), 1, maxSide));
        return FullSize(size);
    }
}
