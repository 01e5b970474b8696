using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>
/// A validated codec over one input: format sniffed, size limits checked from the header, nothing decoded yet.
/// Owns the native <see cref="SKData"/> and <see cref="SKCodec"/>; not shared between threads.
/// </summary>
internal sealed class OpenedImage : IDisposable
{
    /// <summary>Hard ceiling independent of options: 4 bytes per pixel must stay addressable by one .NET array/bitmap.</summary>
    internal const long AbsoluteMaxPixels = int.MaxValue / 4;

    private readonly SKData _data;
    private readonly SKCodec _codec;
    private readonly string _source;

    private OpenedImage(SKData data, SKCodec codec, string source)
    {
        _data = data;
        _codec = codec;
        _source = source;
    }

    /// <summary>Size of the stored pixels (before orientation).</summary>
    public SKSizeI StoredSize => _codec.Info.Size;

    /// <summary>EXIF orientation read from the header (TopLeft when absent).</summary>
    public SKEncodedOrigin Origin => _codec.EncodedOrigin;

    public SKEncodedImageFormat Format => _codec.EncodedFormat;

    /// <summary>Size as displayed, after EXIF orientation.</summary>
    public SKSizeI DisplayedSize => Orientation.Displayed(StoredSize, Origin);

    /// <summary>Sniffs and checks limits; throws a typed <see cref="Core.Errors.LookalikeException"/> naming <paramref name="source"/>.</summary>
    public static OpenedImage Open(ReadOnlySpan<byte> bytes, string source, long maxFileBytes, long maxPixels)
    {
        if (bytes.IsEmpty)
            throw ImageErrors.Unsupported(source, "empty file (0 bytes)");
        if (bytes.Length > maxFileBytes)
            throw ImageErrors.TooLarge(source, $"{bytes.Length} bytes exceeds the limit of {maxFileBytes} bytes");

        var data = SKData.CreateCopy(bytes);
        SKCodec? codec = null;
        try
        {
            // Reads the header only. Null means either "not a format Skia knows" or "a known format whose header
            // is unreadable"; SKCodec.Create(SKData) gives no reason, so the magic bytes decide which one we report.
            codec = SKCodec.Create(data);
            if (codec is null)
            {
                throw ImageSignature.LooksAccepted(bytes)
                    ? ImageErrors.Corrupt(source, "the image header is damaged or cut off")
                    : ImageErrors.Unsupported(source, "the content is not a recognised image format");
            }
            if (!ImageSignature.IsAccepted(codec.EncodedFormat))
                throw ImageErrors.Unsupported(source, $"{codec.EncodedFormat} images are not accepted");

            var size = codec.Info.Size;
            if (size.Width <= 0 || size.Height <= 0)
                throw ImageErrors.Corrupt(source, $"the header declares an empty {size.Width}x{size.Height} image");
            long pixels = (long)size.Width * size.Height;
            long limit = Math.Min(maxPixels, AbsoluteMaxPixels);
            if (pixels > limit)
                throw ImageErrors.TooLarge(source, $"{size.Width}x{size.Height} = {pixels} pixels exceeds the limit of {limit} pixels");

            var opened = new OpenedImage(data, codec, source);
            codec = null;
            return opened;
        }
        catch
        {
            codec?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The decode size (stored orientation) for a result that must be at least <paramref name="minimumDisplayed"/>
    /// (displayed orientation): a reduced JPEG scale when one is big enough, else the full size.
    /// </summary>
    public SKSizeI ChooseDecodeSize(SKSizeI minimumDisplayed)
    {
        if (_codec.EncodedFormat != SKEncodedImageFormat.Jpeg)
            return StoredSize;
        var minimumStored = Orientation.Displayed(minimumDisplayed, Origin); // swapping is its own inverse
        return ScaledDecode.Choose(StoredSize, minimumStored, _codec.GetScaledDimensions);
    }

    /// <summary>
    /// Decodes the first frame at <paramref name="size"/> (full or a size from <see cref="ChooseDecodeSize"/>) to
    /// premultiplied RGBA8888 in sRGB (embedded ICC profiles, CMYK and 16-bit samples are converted by Skia; plain
    /// JPEGs go through <see cref="TurboJpeg"/> when the system has it).
    /// The caller owns the returned bitmap.
    /// </summary>
    public SKBitmap DecodePremul(SKSizeI size)
    {
        var bitmap = new SKBitmap();
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        if (!bitmap.TryAllocPixels(info))
        {
            bitmap.Dispose();
            throw ImageErrors.TooLarge(_source, $"not enough memory for {size.Width}x{size.Height} pixels");
        }

        if (Format == SKEncodedImageFormat.Jpeg && TurboJpeg.TryDecodeRgba(_data.AsSpan(), size, bitmap.GetPixels(), bitmap.RowBytes))
            return bitmap; // the same bytes Skia gives, about twice as fast (TurboJpeg's remarks)

        // Frame 0 only (GIF/WebP animations); Skia fills any part the frame does not cover with transparent.
        var result = _codec.GetPixels(info, bitmap.GetPixels(), bitmap.RowBytes, new SKCodecOptions(0));
        if (result == SKCodecResult.InvalidScale && size != StoredSize)
        {
            bitmap.Dispose();
            return DecodePremul(StoredSize);
        }
        if (result != SKCodecResult.Success)
        {
            bitmap.Dispose();
            throw Translate(result);
        }
        return bitmap;
    }

    /// <summary>
    /// The stored pixels of a plain JPEG straight to RGB24 through <see cref="TurboJpeg"/> (no RGBA bitmap, no
    /// conversion pass); null when the file is left to Skia.
    /// </summary>
    public byte[]? TryDecodeRgb24()
    {
        if (Format != SKEncodedImageFormat.Jpeg || !TurboJpeg.IsActive)
            return null;
        var size = StoredSize;
        var rgb = GC.AllocateUninitializedArray<byte>(checked(size.Width * size.Height * 3));
        unsafe
        {
            fixed (byte* pixels = rgb)
                return TurboJpeg.TryDecodeRgb(_data.AsSpan(), size, (nint)pixels) ? rgb : null;
        }
    }

    private Core.Errors.LookalikeException Translate(SKCodecResult result) => result switch
    {
        // Skia fills the missing rows and reports IncompleteInput. Accepting that would index a half-grey
        // picture under this file's name, so a truncated file is an error, not a partial success.
        SKCodecResult.IncompleteInput => ImageErrors.Corrupt(_source, "the file is truncated (image data ends early)"),
        SKCodecResult.ErrorInInput => ImageErrors.Corrupt(_source, "the image data contains errors"),
        SKCodecResult.InvalidInput => ImageErrors.Corrupt(_source, "the image data is invalid"),
        SKCodecResult.Unimplemented => ImageErrors.Unsupported(_source, "it uses a variant of the format that the decoder does not implement"),
        SKCodecResult.InvalidConversion => ImageErrors.Unsupported(_source, "its pixel format cannot be converted to RGB"),
        _ => ImageErrors.Corrupt(_source, $"the decoder failed ({result})"),
    };

    public void Dispose()
    {
        _codec.Dispose();
        _data.Dispose();
    }
}
