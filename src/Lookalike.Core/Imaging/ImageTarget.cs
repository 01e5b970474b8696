namespace Lookalike.Core.Imaging;

/// <summary>The pixel size and fitting a decoder should produce (a model's input), so it can decode at reduced scale.</summary>
/// <param name="Width">Target width in pixels, 1–8192.</param>
/// <param name="Height">Target height in pixels, 1–8192.</param>
/// <param name="Mode">How to fit images of another aspect ratio.</param>
public sealed record ImageTarget(int Width, int Height, ResizeMode Mode)
{
    /// <summary>Use only this part of the photo (region query); null for the whole photo. Fitted like a whole photo.</summary>
    public ImageBox? Box { get; init; }

    /// <summary>
    /// Enlarge with bilinear sampling instead of Mitchell cubic (about half the cost of a 224×224 enlargement): for
    /// query-only views such as the zoom, whose pixels no stored vector has to match. Shrinking is unchanged.
    /// </summary>
    public bool LinearUpscale { get; init; }

    public override string ToString() =>
        $"{Width}x{Height} {Mode.ToString().ToLowerInvariant()}{(Box is null ? "" : $" box {Box}")}{(LinearUpscale ? " linear-upscale" : "")}";
}
