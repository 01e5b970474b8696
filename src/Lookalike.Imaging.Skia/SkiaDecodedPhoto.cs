using Lookalike.Core.Imaging;
using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>
/// <see cref="IDecodedPhoto"/> on an <see cref="OpenedImage"/>: each decode size (the full size, or the reduced JPEG
/// scale a fit asks for) is decoded once and kept, and every fit is drawn from it exactly as
/// <see cref="SkiaImageDecoder.Decode"/> draws it.
/// </summary>
internal sealed class SkiaDecodedPhoto : IDecodedPhoto
{
    private readonly OpenedImage _image;
    private readonly string _source;
    private readonly SKSizeI _displayed;
    private readonly SKEncodedOrigin _origin;
    private readonly Dictionary<SKSizeI, SKBitmap> _decoded = [];
    private readonly Lock _codec = new(); // the codec and the decode cache; the drawing of fits runs outside it
    private bool _disposed;

    public SkiaDecodedPhoto(OpenedImage image, string source)
    {
        _image = image;
        _source = source;
        _displayed = image.DisplayedSize;
        _origin = image.Origin;
    }

    /// <summary>Size as displayed, after EXIF orientation.</summary>
    internal SKSizeI DisplayedSize => _displayed;

    public int Width => _displayed.Width;

    public int Height => _displayed.Height;

    public DecodedImage Fit(ImageTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        SkiaImageDecoder.ValidateTarget(target);
        try
        {
            return FitLayout(ImageFitting.Fit(_displayed, target), target.LinearUpscale);
        }
        catch (Exception ex) when (ex is not Core.Errors.LookalikeException and not ObjectDisposedException)
        {
            throw SkiaImageDecoder.Unexpected(ex, _source);
        }
    }

    /// <summary>The layout drawn from the smallest decode that covers it (decoded now unless an earlier fit needed the same size).</summary>
    internal DecodedImage FitLayout(FitLayout layout, bool linearUpscale = false)
    {
        SKBitmap decoded;
        lock (_codec)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var size = _image.ChooseDecodeSize(layout.MinimumSourceSize);
            if (!_decoded.TryGetValue(size, out decoded!))
            {
                decoded = _image.DecodePremul(size);
                _decoded[size] = decoded;
            }
        }
        return SkiaImageDecoder.Draw(decoded, layout, _origin, _displayed, _source, linearUpscale);
    }

    /// <summary>
    /// A fit that is the stored pixels themselves (same size, no orientation, no crop) of a plain JPEG, decoded straight
    /// to RGB24 — the same bytes <see cref="FitLayout"/> gives, without the RGBA bitmap; null otherwise. For a single
    /// fit only: it keeps nothing for later fits.
    /// </summary>
    internal DecodedImage? TryUnscaledRgb24(FitLayout layout)
    {
        var stored = _image.StoredSize;
        if (_origin != SKEncodedOrigin.TopLeft || layout.Clip is not null || layout.Canvas != stored
            || !SkiaImageDecoder.Transform(layout, stored, _origin).IsIdentity)
            return null;
        byte[]? rgb;
        lock (_codec)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            rgb = _image.TryDecodeRgb24();
        }
        return rgb is null ? null : new DecodedImage(stored.Width, stored.Height, rgb) { SourceWidth = _displayed.Width, SourceHeight = _displayed.Height };
    }

    public void Dispose()
    {
        lock (_codec)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var bitmap in _decoded.Values) bitmap.Dispose();
            _decoded.Clear();
            _image.Dispose();
        }
    }
}
