namespace Lookalike.Core.Imaging;

/// <summary>Limits that protect decoding from hostile or accidental huge inputs.</summary>
public sealed class ImageDecoderOptions
{
    /// <summary>Largest accepted file or upload, in bytes. Default 50 MiB.</summary>
    public long MaxFileBytes { get; set; } = 50L * 1024 * 1024;

    /// <summary>Largest accepted width×height as declared by the header (checked before pixels are allocated). Default 100 megapixels.</summary>
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>
    /// Longest time one decode may take before it is reported as <see cref="Errors.LookalikeErrorKind.DecodeTimeout"/>;
    /// <see cref="TimeSpan.Zero"/> disables the limit. Default 30 s. A native decode cannot be aborted: the abandoned
    /// call keeps its thread until it returns, which the byte and pixel limits above bound.
    /// </summary>
    public TimeSpan DecodeTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
