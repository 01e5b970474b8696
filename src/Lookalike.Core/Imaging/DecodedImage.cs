namespace Lookalike.Core.Imaging;

/// <summary>
/// An opaque 8-bit RGB image: <see cref="Pixels"/> holds <c>Width*Height*3</c> bytes, row-major, interleaved R,G,B.
/// EXIF orientation is already applied and transparency composited over white.
/// </summary>
public sealed class DecodedImage
{
    public DecodedImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(pixels);
        if (pixels.Length != checked(width * height * 3))
            throw new ArgumentException($"Expected {width * height * 3} bytes of RGB pixels, got {pixels.Length}.", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    /// <summary>Displayed (oriented) width of the whole photo this was decoded from, before any fitting; defaults to <see cref="Width"/>.</summary>
    public int SourceWidth { get => _sourceWidth > 0 ? _sourceWidth : Width; init => _sourceWidth = value; }

    /// <summary>Displayed (oriented) height of the whole photo; defaults to <see cref="Height"/>.</summary>
    public int SourceHeight { get => _sourceHeight > 0 ? _sourceHeight : Height; init => _sourceHeight = value; }

    private readonly int _sourceWidth, _sourceHeight;
    public int Height { get; }

    /// <summary>Interleaved RGB24, <c>Width*Height*3</c> bytes; owned by this instance.</summary>
    public byte[] Pixels { get; }
}
