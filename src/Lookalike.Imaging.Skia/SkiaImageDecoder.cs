using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>
/// <see cref="IImageDecoder"/> on SkiaSharp: JPEG, PNG, WebP, GIF (first frame) and BMP, sniffed from the bytes.
/// </summary>
/// <remarks>
/// <para>
/// Pipeline: header check (format, <see cref="ImageDecoderOptions.MaxFileBytes"/>, <see cref="ImageDecoderOptions.MaxPixels"/>
/// before any pixel is allocated) → decode of the first frame, JPEGs at the smallest libjpeg scale (k/8) that still
/// covers the target → one draw that applies EXIF orientation, the <see cref="ResizeMode"/> and compositing over
/// white → RGB24.
/// </para>
/// <para>
/// Resampling: Mitchell cubic when each axis keeps at least half its pixels, trilinear mipmaps when shrinking more,
/// an exact copy when nothing is scaled.
/// </para>
/// <para>
/// Truncated files are rejected (<see cref="LookalikeErrorKind.CorruptImage"/>) even though Skia can return the rows
/// it did read. ICO, WBMP, SVG and everything else are <see cref="LookalikeErrorKind.UnsupportedImage"/>.
/// </para>
/// <para>Thread-safe: the options are copied at construction and every call owns its native objects.</para>
/// </remarks>
public sealed class SkiaImageDecoder : IImageDecoder
{
    /// <summary>JPEG quality (0–100) of <see cref="EncodeThumbnail"/>.</summary>
    public const int ThumbnailQuality = 85;

    /// <summary>Largest accepted <see cref="ImageTarget"/> side, as documented on <see cref="ImageTarget"/>.</summary>
    private const int MaxTargetSide = 8192;

    /// <summary>What decodes JPEG pixels in this process: the system libjpeg-turbo when installed, else Skia's own copy.</summary>
    public static string JpegDecoder => TurboJpeg.Description;

    private readonly long _maxFileBytes;
    private readonly long _maxPixels;

    /// <summary>Creates a decoder with the given limits (copied; later changes to <paramref name="options"/> have no effect).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A limit is zero or negative.</exception>
    public SkiaImageDecoder(ImageDecoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxFileBytes, nameof(options.MaxFileBytes));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxPixels, nameof(options.MaxPixels));
        _maxFileBytes = options.MaxFileBytes;
        _maxPixels = options.MaxPixels;
    }

    /// <summary>
    /// Decodes the first frame, applies EXIF orientation, composites transparency over white and, when
    /// <paramref name="target"/> is given, fits the result to exactly <c>target.Width × target.Height</c>.
    /// </summary>
    /// <param name="data">Encoded file content; only read during the call.</param>
    /// <param name="sourceName">File path or upload name; appears in every error message and as the error's subject.</param>
    /// <param name="target">Output size and fitting; null returns the whole image at its displayed size.</param>
    /// <returns>A new RGB24 image owned by the caller.</returns>
    /// <exception cref="LookalikeException">
    /// <see cref="LookalikeErrorKind.UnsupportedImage"/> (empty, not an image, or another format),
    /// <see cref="LookalikeErrorKind.CorruptImage"/> (damaged or truncated),
    /// <see cref="LookalikeErrorKind.ImageTooLarge"/> (file bytes or header pixel count over the limits).
    /// </exception>
    /// <exception cref="ArgumentNullException"><paramref name="sourceName"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="target"/> has a side outside 1–8192 or an unknown mode.</exception>
    public DecodedImage Decode(ReadOnlySpan<byte> data, string sourceName, ImageTarget? target = null)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        if (target is not null)
            ValidateTarget(target);

        try
        {
            using var photo = OpenPhoto(data, sourceName);
            var layout = target is null ? ImageFitting.FullSize(photo.DisplayedSize) : ImageFitting.Fit(photo.DisplayedSize, target);
            return photo.TryUnscaledRgb24(layout) ?? photo.FitLayout(layout, target?.LinearUpscale ?? false);
        }
        catch (Exception ex) when (ex is not LookalikeException)
        {
            throw Unexpected(ex, sourceName);
        }
    }

    /// <summary>
    /// Checks the header as <see cref="Decode"/> does and keeps a copy of the bytes; the pixels are decoded on the first
    /// fit and each later fit of the same decode size is drawn from them (the views of one photo query: one decode).
    /// </summary>
    /// <exception cref="LookalikeException">As <see cref="Decode"/>, for what the header shows.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="sourceName"/> is null.</exception>
    public IDecodedPhoto Open(ReadOnlySpan<byte> data, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        try
        {
            return OpenPhoto(data, sourceName);
        }
        catch (Exception ex) when (ex is not LookalikeException)
        {
            throw Unexpected(ex, sourceName);
        }
    }

    private SkiaDecodedPhoto OpenPhoto(ReadOnlySpan<byte> data, string sourceName) =>
        new(OpenedImage.Open(data, sourceName, _maxFileBytes, _maxPixels), sourceName);

    /// <summary>
    /// Decoded pixels (stored orientation) drawn through <paramref name="layout"/>: orientation, resampling and
    /// compositing over white, then RGB24; an exact conversion when nothing is resampled.
    /// </summary>
    internal static DecodedImage Draw(SKBitmap decoded, FitLayout layout, SKEncodedOrigin origin, SKSizeI displayed, string sourceName, bool linearUpscale = false)
    {
        var transform = Transform(layout, decoded.Info.Size, origin);
        if (transform.IsIdentity && layout.Canvas == decoded.Info.Size && layout.Clip is null)
            return ToDecodedImage(decoded, displayed); // nothing to resample: composite over white while converting

        using var rendered = Resampler.Render(decoded, transform, layout.Canvas, layout.Clip, linearUpscale)
            ?? throw ImageErrors.TooLarge(sourceName, $"not enough memory for a {layout.Canvas.Width}x{layout.Canvas.Height} output");
        return ToDecodedImage(rendered, displayed);
    }

    /// <summary>
    /// Encodes a baseline JPEG (quality <see cref="ThumbnailQuality"/>) of the oriented image, transparency over
    /// white, scaled so its longer side is at most <paramref name="maxSide"/>. Smaller images keep their size.
    /// </summary>
    /// <param name="data">Encoded file content; only read during the call.</param>
    /// <param name="sourceName">File path or upload name; appears in every error message and as the error's subject.</param>
    /// <param name="maxSide">Largest output side in pixels, at least 1.</param>
    /// <returns>The JPEG file bytes, owned by the caller.</returns>
    /// <exception cref="LookalikeException">The same kinds as <see cref="Decode"/>.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="sourceName"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSide"/> is zero or negative.</exception>
    public byte[] EncodeThumbnail(ReadOnlySpan<byte> data, string sourceName, int maxSide)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);

        try
        {
            using var image = OpenedImage.Open(data, sourceName, _maxFileBytes, _maxPixels);
            var layout = ImageFitting.FitInside(image.DisplayedSize, maxSide);
            using var decoded = image.DecodePremul(image.ChooseDecodeSize(layout.MinimumSourceSize));
            var transform = Transform(layout, decoded.Info.Size, image.Origin);

            // Always drawn, even 1:1: the JPEG encoder ignores alpha, so the pixels must already be over white.
            using var rendered = Resampler.Render(decoded, transform, layout.Canvas)
                ?? throw ImageErrors.TooLarge(sourceName, $"not enough memory for a {layout.Canvas.Width}x{layout.Canvas.Height} thumbnail");
            using var pixmap = rendered.PeekPixels();
            using var jpeg = pixmap.Encode(SKEncodedImageFormat.Jpeg, ThumbnailQuality)
                ?? throw ImageErrors.Corrupt(sourceName, "the decoded image could not be re-encoded as a JPEG thumbnail");
            return jpeg.ToArray();
        }
        catch (Exception ex) when (ex is not LookalikeException)
        {
            throw Unexpected(ex, sourceName);
        }
    }

    private static DecodedImage ToDecodedImage(SKBitmap bitmap, SKSizeI displayed)
    {
        using var pixmap = bitmap.PeekPixels();
        return new DecodedImage(pixmap.Width, pixmap.Height, Rgb24.FromPremulRgba(pixmap)) { SourceWidth = displayed.Width, SourceHeight = displayed.Height };
    }

    /// <summary>Stored decoded pixels → canvas: orientation first, then scale into the layout's destination rectangle.</summary>
    internal static SKMatrix Transform(FitLayout layout, SKSizeI decodedStored, SKEncodedOrigin origin)
    {
        var displayed = Orientation.Displayed(decodedStored, origin);
        var orient = Orientation.ToMatrix(origin, decodedStored.Width, decodedStored.Height);
        var place = SKMatrix.CreateScaleTranslation(
            layout.Destination.Width / displayed.Width, layout.Destination.Height / displayed.Height,
            layout.Destination.Left, layout.Destination.Top);
        return SKMatrix.Concat(place, orient);
    }

    internal static void ValidateTarget(ImageTarget target)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(target.Width, 1, nameof(target));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target.Width, MaxTargetSide, nameof(target));
        ArgumentOutOfRangeException.ThrowIfLessThan(target.Height, 1, nameof(target));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(target.Height, MaxTargetSide, nameof(target));
        if (!Enum.IsDefined(target.Mode))
            throw new ArgumentOutOfRangeException(nameof(target), target.Mode, "Unknown resize mode.");
    }

    /// <summary>
    /// The funnel for anything SkiaSharp throws instead of returning a status: bad bytes must never surface as a
    /// raw exception. The original stays as the inner exception for diagnosis.
    /// </summary>
    internal static LookalikeException Unexpected(Exception ex, string sourceName) => ex is OutOfMemoryException
        ? ImageErrors.TooLarge(sourceName, "not enough memory to decode it", ex)
        : ImageErrors.Corrupt(sourceName, $"the decoder failed ({ex.GetType().Name})", ex);
}
