using Lookalike.Core.Imaging;
using SkiaSharp;

namespace Lookalike.Imaging.Skia;

/// <summary>The accepted <see cref="SKEncodedImageFormat"/> values, and whether bytes look like an accepted format.</summary>
/// <remarks>
/// Skia does the real sniffing. The signatures here only decide which error to report when Skia cannot read a
/// header at all: bytes that start like a supported format are <c>CorruptImage</c> (e.g. a JPEG cut off inside its
/// header), anything else is <c>UnsupportedImage</c>.
/// </remarks>
internal static class ImageSignature
{
    /// <summary>Formats this decoder accepts. Skia also recognises ICO, WBMP and others; those are deliberately refused.</summary>
    public static bool IsAccepted(SKEncodedImageFormat format) => format is
        SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Webp or
        SKEncodedImageFormat.Gif or SKEncodedImageFormat.Bmp;

    /// <summary>True when <paramref name="data"/> starts with the signature of an accepted format (<see cref="ImageFormat.Sniff"/>).</summary>
    public static bool LooksAccepted(ReadOnlySpan<byte> data) => ImageFormat.Sniff(data) is not null;
}
