using Lookalike.Core.Errors;

namespace Lookalike.Imaging.Skia;

/// <summary>The one place that words decoding failures; every error names the source and carries it as the subject.</summary>
internal static class ImageErrors
{
    public static LookalikeException Unsupported(string source, string detail, Exception? inner = null) =>
        new(LookalikeErrorKind.UnsupportedImage, $"'{source}' is not a supported image (JPEG, PNG, WebP, GIF or BMP): {detail}.", source, inner);

    public static LookalikeException Corrupt(string source, string detail, Exception? inner = null) =>
        new(LookalikeErrorKind.CorruptImage, $"'{source}' could not be decoded: {detail}.", source, inner);

    public static LookalikeException TooLarge(string source, string detail, Exception? inner = null) =>
        new(LookalikeErrorKind.ImageTooLarge, $"'{source}' is too large: {detail}.", source, inner);
}
