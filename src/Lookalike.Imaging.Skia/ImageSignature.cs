using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>Magic numbers of the accepted formats and the accepted <see cref="SKEncodedImageFormat"/> values.</summary>
/// <remarks>
/// Skia does the real sniffing. The signatures here only decide which error to report when Skia cannot read a
/// header at all: bytes that start like a supported format are <c>CorruptImage</c> (e.g. a JPEG cut off inside its
/// header), anything else is <c>UnsupportedImage</c>.
/// </remarks>
internal static class ImageSignature
{
    private static ReadOnlySpan<byte> Jpeg => [0xFF, 0xD8, 0xFF];
    private static ReadOnlySpan<byte> Png => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Formats this decoder accepts. Skia also recognises ICO, WBMP and others; those are deliberately refused.</summary>
    public static bool IsAccepted(SKEncodedImageFormat format) => format is
        SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Webp or
        SKEncodedImageFormat.Gif or SKEncodedImageFormat.Bmp;

    /// <summary>True when <paramref name="data"/> starts with the signature of an accepted format.</summary>
    public static bool LooksAccepted(ReadOnlySpan<byte> data) =>
        data.StartsWith(Jpeg)
        || data.StartsWith(Png)
        || data.StartsWith("GIF87a"u8)
        || data.StartsWith("GIF89a"u8)
        || (data.Length >= 12 && data.StartsWith("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        // "BM" alone would also match plain text; the BMP file header's reserved bytes 6..9 are zero.
        || (data.Length >= 14 && data.StartsWith("BM"u8) && !data.Slice(6, 4).ContainsAnyExcept((byte)0));
}
