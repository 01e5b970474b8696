namespace Lookalike.Core.Imaging;

/// <summary>
/// A supported image container recognised from its first bytes (never from a file name or a client's content type):
/// the media type to serve it with and the extension to store it under. The one signature check of the product: the
/// decoder uses it to tell a damaged file of a supported format from an unsupported one, the server to store and
/// serve uploads.
/// </summary>
public sealed record ImageFormat(string MediaType, string Extension)
{
    public static ImageFormat Jpeg { get; } = new("image/jpeg", ".jpg");
    public static ImageFormat Png { get; } = new("image/png", ".png");
    public static ImageFormat Gif { get; } = new("image/gif", ".gif");
    public static ImageFormat WebP { get; } = new("image/webp", ".webp");
    public static ImageFormat Bmp { get; } = new("image/bmp", ".bmp");

    /// <summary>Bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeaderBytes = 14;

    /// <summary>The format whose magic number starts <paramref name="header"/>, or null.</summary>
    /// <remarks>Only the signature is checked; the decoder still validates the whole file.</remarks>
    public static ImageFormat? Sniff(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF])) return Jpeg;
        if (header.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return Png;
        if (header.StartsWith("GIF87a"u8) || header.StartsWith("GIF89a"u8)) return Gif;
        if (header.Length >= 12 && header.StartsWith("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8)) return WebP;
        // "BM" alone would also match plain text; the BMP file header's reserved bytes 6..9 are zero.
        if (header.Length >= 14 && header.StartsWith("BM"u8) && !header.Slice(6, 4).ContainsAnyExcept((byte)0)) return Bmp;
        return null;
    }

    /// <summary>Sniffs the first bytes of a file; null when it cannot be read or is not a known image.</summary>
    public static ImageFormat? SniffFile(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            Span<byte> header = stackalloc byte[HeaderBytes];
            int read = stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false);
            return Sniff(header[..read]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
