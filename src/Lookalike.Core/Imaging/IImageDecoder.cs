using Lookalike.Core.Errors;

namespace Lookalike.Core.Imaging;

/// <summary>Turns encoded image bytes (JPEG, PNG, WebP, GIF first frame, BMP) into RGB pixels.</summary>
/// <remarks>
/// Implementations sniff the format from the bytes, never from the file name. Every failure is a
/// <see cref="LookalikeException"/> whose <see cref="LookalikeException.Subject"/> is <c>sourceName</c>:
/// <see cref="LookalikeErrorKind.UnsupportedImage"/>, <see cref="LookalikeErrorKind.CorruptImage"/> or
/// <see cref="LookalikeErrorKind.ImageTooLarge"/>. Implementations are thread-safe.
/// </remarks>
public interface IImageDecoder
{
    /// <summary>Decodes and fits the image to <paramref name="target"/>, or returns it at full size when null.</summary>
    /// <param name="data">The encoded file content.</param>
    /// <param name="sourceName">File path or upload name, used in error messages.</param>
    /// <param name="target">Model input size and fitting; lets the decoder decode large JPEGs at reduced scale.</param>
    DecodedImage Decode(ReadOnlySpan<byte> data, string sourceName, ImageTarget? target = null);

    /// <summary>
    /// Reads the header (format, size, limits) and keeps the bytes, for several fits of one photo decoded once
    /// (<see cref="IDecodedPhoto"/>); the caller disposes it.
    /// </summary>
    /// <param name="data">The encoded file content; copied, so it may change after the call.</param>
    /// <param name="sourceName">File path or upload name, used in error messages.</param>
    IDecodedPhoto Open(ReadOnlySpan<byte> data, string sourceName);

    /// <summary>Encodes a JPEG thumbnail whose longer side is at most <paramref name="maxSide"/> pixels.</summary>
    byte[] EncodeThumbnail(ReadOnlySpan<byte> data, string sourceName, int maxSide);
}
