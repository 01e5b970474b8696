namespace Lookalike.Core.Imaging;

/// <summary>The pixel size and fitting a decoder should produce (a model's input), so it can decode at reduced scale.</summary>
/// <param name="Width">Target width in pixels, 1–8192.</param>
/// <param name="Height">Target height in pixels, 1–8192.</param>
/// <param name="Mode">How to fit images of another aspect ratio.</param>
public sealed record ImageTarget(int Width, int Height, ResizeMode Mode)
{
    /// <summary>Use only this part of the photo (region query); null for the whole photo. Fitted like a whole photo.</summary>
    public ImageBox? Box { get; init; }

    public override string ToString() => $"{Width}x{Height} {Mode.ToString().ToLowerInvariant()}{(Box is null ? "" : $" box {Box}")}";
}
