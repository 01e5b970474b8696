namespace Lookalike.Core.Imaging;

/// <summary>
/// One photo opened once for several fits (the views of a photo query: the whole photo, a zoom, a located box): its
/// header is read at <see cref="IImageDecoder.Open"/>, its pixels are decoded on the first <see cref="Fit"/> that needs
/// them and every later fit is cut from the same decoded pixels.
/// </summary>
/// <remarks>
/// Each <see cref="Fit"/> returns exactly what <see cref="IImageDecoder.Decode"/> returns for the same bytes and target.
/// Thread-safe: fits may run at once (the decode itself happens once, the resampling of each fit in its caller's thread).
/// Dispose releases the decoded pixels: call it once no fit is running.
/// </remarks>
public interface IDecodedPhoto : IDisposable
{
    /// <summary>Width as displayed (after EXIF orientation), in pixels of the original photo.</summary>
    int Width { get; }

    /// <summary>Height as displayed (after EXIF orientation), in pixels of the original photo.</summary>
    int Height { get; }

    /// <summary>The photo (or <see cref="ImageTarget.Box"/> of it) fitted to <paramref name="target"/>: the same pixels as <see cref="IImageDecoder.Decode"/>.</summary>
    /// <exception cref="Errors.LookalikeException">As <see cref="IImageDecoder.Decode"/> (corrupt data is found when the pixels are decoded), InvalidArgument naming the box.</exception>
    DecodedImage Fit(ImageTarget target);
}
