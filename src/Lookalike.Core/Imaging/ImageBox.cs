using System.Globalization;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Imaging;

/// <summary>
/// A rectangle of a photo to use instead of the whole photo (region query): <c>x,y,w,h</c> in pixels of the oriented
/// original, or in fractions (0–1) of its width and height. It is checked against the photo once its size is known
/// (<see cref="Resolve"/>): outside the photo, empty and tiny boxes are refused, naming the box.
/// </summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width, &gt; 0.</param>
/// <param name="Height">Height, &gt; 0.</param>
/// <param name="Fractions">True: the four values are fractions of the photo's width and height; false: pixels.</param>
public sealed record ImageBox(double X, double Y, double Width, double Height, bool Fractions)
{
    /// <summary>The smallest box side accepted, in pixels of the original: below it there is nothing left to recognise.</summary>
    public const int MinSidePixels = 16;

    /// <summary>The option or form field boxes are passed in, used as the error's subject.</summary>
    public const string Field = "box";

    /// <summary>Reads <c>x,y,w,h</c> (four numbers, invariant culture; pixels or fractions as <paramref name="fractions"/> says).</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the box: not four finite numbers, negative or empty, or fractions above 1.</exception>
    public static ImageBox Parse(string text, bool fractions)
    {
        string[] parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        var values = new double[4];
        if (parts.Length != 4 || !parts.Select((p, i) => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) && double.IsFinite(values[i])).All(ok => ok))
            throw LookalikeException.InvalidArgument(Field, $"Box '{text}' must be four numbers x,y,w,h ({(fractions ? "fractions 0–1 of the photo" : "pixels of the original photo")}).");
        var box = new ImageBox(values[0], values[1], values[2], values[3], fractions);
        if (box.X < 0 || box.Y < 0)
            throw LookalikeException.InvalidArgument(Field, $"Box {box} starts outside the photo (x and y must be ≥ 0).");
        if (box.Width <= 0 || box.Height <= 0)
            throw LookalikeException.InvalidArgument(Field, $"Box {box} is empty (width and height must be > 0).");
        if (fractions && (box.X + box.Width > 1 + Tolerance || box.Y + box.Height > 1 + Tolerance))
            throw LookalikeException.InvalidArgument(Field, $"Box {box} reaches outside the photo (fractions: x+w and y+h must be ≤ 1).");
        return box;
    }

    /// <summary>The box in pixels of a <paramref name="photoWidth"/>×<paramref name="photoHeight"/> photo, checked.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the box and the photo size: outside the photo, empty, or a side under <see cref="MinSidePixels"/>.</exception>
    public (double X, double Y, double Width, double Height) Resolve(int photoWidth, int photoHeight)
    {
        double sx = Fractions ? photoWidth : 1, sy = Fractions ? photoHeight : 1;
        double x = X * sx, y = Y * sy, w = Width * sx, h = Height * sy;
        if (w <= 0 || h <= 0)
            throw LookalikeException.InvalidArgument(Field, $"Box {this} is empty.");
        if (x < 0 || y < 0 || x + w > photoWidth + Tolerance * sx || y + h > photoHeight + Tolerance * sy)
            throw LookalikeException.InvalidArgument(Field, $"Box {this} reaches outside the {photoWidth}x{photoHeight} photo.");
        if (w < MinSidePixels || h < MinSidePixels)
            throw LookalikeException.InvalidArgument(Field, $"Box {this} is too small ({w:0.#}x{h:0.#} pixels of the {photoWidth}x{photoHeight} photo; each side must be at least {MinSidePixels} pixels).");
        return (x, y, Math.Min(w, photoWidth - x), Math.Min(h, photoHeight - y));
    }

    // Fractions computed in a browser (drag end / width) may overshoot 1 by rounding.
    private const double Tolerance = 1e-6;

    /// <summary><c>x,y,w,h</c>, the form <see cref="Parse"/> reads (with <c> (fractions)</c> for fractional boxes).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{X:0.####},{Y:0.####},{Width:0.####},{Height:0.####}{(Fractions ? " (fractions)" : "")}");
}
