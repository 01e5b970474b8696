namespace Lookalike.Core.Imaging;

/// <summary>A rectangle in fractions of a photo's width and height (may reach past 0–1 where a model input is padded).</summary>
public readonly record struct FractionRect(double X, double Y, double Width, double Height);

/// <summary>Which part of a photo a model input covers: what a heat-map over the input's feature grid lies on.</summary>
public static class InputArea
{
    /// <summary>
    /// The part of a <paramref name="photoWidth"/>×<paramref name="photoHeight"/> photo that <paramref name="target"/>
    /// (its fitting and box) puts into the model input, in fractions of the photo: the centre square for
    /// <see cref="ResizeMode.CenterCrop"/> of a non-square photo, the box for a region query, more than the photo
    /// (padding) for <see cref="ResizeMode.Pad"/>.
    /// </summary>
    public static FractionRect Of(ImageTarget target, int photoWidth, int photoHeight)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(photoWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(photoHeight);
        var (x, y, w, h) = target.Box?.Resolve(photoWidth, photoHeight) ?? (0, 0, photoWidth, photoHeight);
        double aspect = (double)target.Width / target.Height;
        switch (target.Mode)
        {
            case ResizeMode.CenterCrop when w / h > aspect: { double cw = h * aspect; x += (w - cw) / 2; w = cw; break; }
            case ResizeMode.CenterCrop: { double ch = w / aspect; y += (h - ch) / 2; h = ch; break; }
            case ResizeMode.Pad when w / h > aspect: { double ph = w / aspect; y -= (ph - h) / 2; h = ph; break; }
            case ResizeMode.Pad: { double pw = h * aspect; x -= (pw - w) / 2; w = pw; break; }
        }
        return new FractionRect(x / photoWidth, y / photoHeight, w / photoWidth, h / photoHeight);
    }
}
