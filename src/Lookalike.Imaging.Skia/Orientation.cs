using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>EXIF orientation (<see cref="SKEncodedOrigin"/>, tag 0x0112 values 1–8) as geometry.</summary>
/// <remarks><see cref="SKCodec.GetPixels(SKImageInfo, IntPtr)"/> returns the stored (unrotated) pixels; we apply the origin ourselves.</remarks>
internal static class Orientation
{
    /// <summary>True for the four origins (5–8) whose displayed image has width and height swapped.</summary>
    public static bool SwapsAxes(SKEncodedOrigin origin) => origin is
        SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The displayed size of a stored image of size <paramref name="stored"/>.</summary>
    public static SKSizeI Displayed(SKSizeI stored, SKEncodedOrigin origin) =>
        SwapsAxes(origin) ? new SKSizeI(stored.Height, stored.Width) : stored;

    /// <summary>
    /// Maps stored pixel coordinates of a <paramref name="width"/>×<paramref name="height"/> image to displayed ones.
    /// Unknown origin values are treated as "not rotated".
    /// </summary>
    public static SKMatrix ToMatrix(SKEncodedOrigin origin, int width, int height)
    {
        // SKMatrix(scaleX, skewX, transX, skewY, scaleY, transY, 0, 0, 1): x' = scaleX·x + skewX·y + transX, y' = skewY·x + scaleY·y + transY.
        // Each comment names where the stored 0th row / 0th column end up (EXIF 2.3, tag 0x0112).
        return origin switch
        {
            SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, width, 0, 1, 0, 0, 0, 1),          // 2: row top, column right (mirror)
            SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, width, 0, -1, height, 0, 0, 1), // 3: row bottom, column right (180°)
            SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, height, 0, 0, 1),       // 4: row bottom, column left (flip)
            SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),                // 5: row left, column top (transpose)
            SKEncodedOrigin.RightTop => new SKMatrix(0, -1, height, 1, 0, 0, 0, 0, 1),         // 6: row right, column top (90° clockwise)
            SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, height, -1, 0, width, 0, 0, 1), // 7: row right, column bottom (transverse)
            SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, width, 0, 0, 1),        // 8: row left, column bottom (90° anticlockwise)
            _ => SKMatrix.Identity,                                                            // 1 (TopLeft) or out of range
        };
    }
}
