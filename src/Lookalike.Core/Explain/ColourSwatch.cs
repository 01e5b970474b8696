namespace Lookalike.Core.Explain;

/// <summary>One dominant colour of a photo: sRGB 0–255 and the share of the (non-background) pixels it stands for, 0–1.</summary>
public sealed record ColourSwatch(byte R, byte G, byte B, double Share)
{
    /// <summary><c>#rrggbb</c>.</summary>
    public string Hex => $"#{R:x2}{G:x2}{B:x2}";
}
