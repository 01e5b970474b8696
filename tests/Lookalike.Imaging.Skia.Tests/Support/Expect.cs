using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Imaging.Skia.Tests.Support;

/// <summary>Shared assertions for the decoder's typed errors.</summary>
internal static class Expect
{
    public static SkiaImageDecoder Decoder(long? maxFileBytes = null, long? maxPixels = null)
    {
        var options = new ImageDecoderOptions();
        if (maxFileBytes is { } bytes)
            options.MaxFileBytes = bytes;
        if (maxPixels is { } pixels)
            options.MaxPixels = pixels;
        return new SkiaImageDecoder(options);
    }

    /// <summary>Asserts a <see cref="LookalikeException"/> of <paramref name="kind"/> whose subject is, and message names, <paramref name="source"/>.</summary>
    public static LookalikeException Failure(LookalikeErrorKind kind, string source, Action action)
    {
        var ex = Assert.Throws<LookalikeException>(action);
        Assert.Equal(kind, ex.Kind);
        Assert.Equal(source, ex.Subject);
        Assert.Contains(source, ex.Message, StringComparison.Ordinal);
        return ex;
    }

    public static LookalikeException DecodeFailure(LookalikeErrorKind kind, byte[] data, string source, ImageTarget? target = null, SkiaImageDecoder? decoder = null) =>
        Failure(kind, source, () => (decoder ?? Decoder()).Decode(data, source, target));

    public static LookalikeException ThumbnailFailure(LookalikeErrorKind kind, byte[] data, string source, SkiaImageDecoder? decoder = null) =>
        Failure(kind, source, () => (decoder ?? Decoder()).EncodeThumbnail(data, source, 128));

    /// <summary>
    /// For damaged input where either outcome is legitimate: a sane image, or a typed image error naming the source.
    /// Anything else (a raw SkiaSharp or runtime exception) fails the test.
    /// </summary>
    public static void DecodesOrFailsTyped(SkiaImageDecoder decoder, byte[] data, string source, ImageTarget? target = null)
    {
        try
        {
            var image = decoder.Decode(data, source, target);
            Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length);
        }
        catch (LookalikeException ex)
        {
            Assert.Contains(ex.Kind, new[] { LookalikeErrorKind.CorruptImage, LookalikeErrorKind.UnsupportedImage, LookalikeErrorKind.ImageTooLarge });
            Assert.Equal(source, ex.Subject);
            Assert.Contains(source, ex.Message, StringComparison.Ordinal);
        }
    }
}
