using System.CommandLine;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Cli.Commands;

/// <summary><c>--box x,y,w,h</c> (pixels of the original photo) and <c>--box-frac</c> (fractions 0–1): search or explain one part of a photo.</summary>
internal sealed class BoxOptions
{
    public Option<string?> Pixels { get; } = new("--box")
    {
        Description = "Use only this part of the query photo: x,y,w,h in pixels of the original (e.g. 120,40,300,300).",
    };

    public Option<string?> Fractions { get; } = new("--box-frac")
    {
        Description = "As --box, in fractions 0–1 of the photo's width and height (e.g. 0.5,0,0.5,1 = right half).",
    };

    /// <summary>The box given, or null.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the box: both options, or not a valid box.</exception>
    public ImageBox? Parse(ParseResult parse)
    {
        string? pixels = parse.GetValue(Pixels), fractions = parse.GetValue(Fractions);
        if (pixels is not null && fractions is not null)
            throw LookalikeException.InvalidArgument(ImageBox.Field, "Give either --box (pixels) or --box-frac (fractions), not both.");
        if (pixels is not null) return ImageBox.Parse(pixels, fractions: false);
        return fractions is null ? null : ImageBox.Parse(fractions, fractions: true);
    }
}
