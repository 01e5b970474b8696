using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Server.Http;

/// <summary>The region of a photo a request is about: <c>box=x,y,w,h</c> (pixels of the original) or <c>box-frac=</c> (fractions 0–1).</summary>
internal static class BoxArguments
{
    public const string Pixels = "box", Fractions = "box-frac";

    /// <summary>The box, or null for the whole photo.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the box: both forms given, or not a valid box.</exception>
    public static ImageBox? Parse(string? pixels, string? fractions)
    {
        if (pixels is not null && fractions is not null)
            throw LookalikeException.InvalidArgument(ImageBox.Field, $"Give either '{Pixels}' (pixels) or '{Fractions}' (fractions), not both.");
        if (pixels is not null) return ImageBox.Parse(pixels, fractions: false);
        return fractions is null ? null : ImageBox.Parse(fractions, fractions: true);
    }
}
