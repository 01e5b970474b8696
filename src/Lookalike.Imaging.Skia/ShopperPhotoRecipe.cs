namespace Lookalike.Imaging.Skia;

/// <summary>
/// Every random choice of one synthetic shopper photo, drawn in a fixed order from one seeded <see cref="Random"/> so a
/// seed always gives the same photo. Ranges are what a phone snapshot of a product in a shop or at home looks like
/// next to a studio photo.
/// </summary>
/// <param name="ProductSize">Longer side of the product photo as a fraction of the frame, 0.45–0.95 (zoom; above ~0.8 it is cropped).</param>
/// <param name="OffsetX">Product centre's horizontal offset from the frame centre, in frames, ±0.22 (off-centre framing).</param>
/// <param name="OffsetY">Vertical offset, in frames, ±0.22.</param>
/// <param name="RotationDegrees">In-plane rotation, ±25°.</param>
/// <param name="TiltX">Perspective: how much the right edge recedes (negative: the left edge), ±0.25 of its height.</param>
/// <param name="TiltY">Perspective of the bottom edge, ±0.25.</param>
/// <param name="BackgroundZoom">Background scale beyond covering the frame, 1–1.6.</param>
/// <param name="BackgroundX">Where the background's visible window sits horizontally, 0–1 of its free travel.</param>
/// <param name="BackgroundY">Vertically, 0–1.</param>
/// <param name="GainR">Colour cast: red gain, 0.8–1.2.</param>
/// <param name="GainG">Green gain, 0.8–1.2.</param>
/// <param name="GainB">Blue gain, 0.8–1.2.</param>
/// <param name="Exposure">Brightness multiplier, 0.6–1.4 (under- to over-exposed).</param>
/// <param name="Haze">Added to every channel, ±0.06 of full scale (lifted or crushed blacks).</param>
/// <param name="BlurSigma">Gaussian blur (focus or motion), 0.4–2.0 px at the output size.</param>
/// <param name="NoiseSigma">Gaussian sensor noise per channel, 2–9 levels of 255.</param>
internal sealed record ShopperPhotoRecipe(
    double ProductSize, double OffsetX, double OffsetY, double RotationDegrees, double TiltX, double TiltY,
    double BackgroundZoom, double BackgroundX, double BackgroundY,
    double GainR, double GainG, double GainB, double Exposure, double Haze,
    double BlurSigma, double NoiseSigma)
{
    public static ShopperPhotoRecipe Draw(Random random) => new(
        ProductSize: Uniform(random, 0.45, 0.95),
        OffsetX: Uniform(random, -0.22, 0.22),
        OffsetY: Uniform(random, -0.22, 0.22),
        RotationDegrees: Uniform(random, -25, 25),
        TiltX: Uniform(random, -0.25, 0.25),
        TiltY: Uniform(random, -0.25, 0.25),
        BackgroundZoom: Uniform(random, 1, 1.6),
        BackgroundX: random.NextDouble(),
        BackgroundY: random.NextDouble(),
        GainR: Uniform(random, 0.8, 1.2),
        GainG: Uniform(random, 0.8, 1.2),
        GainB: Uniform(random, 0.8, 1.2),
        Exposure: Uniform(random, 0.6, 1.4),
        Haze: Uniform(random, -0.06, 0.06),
        BlurSigma: Uniform(random, 0.4, 2.0),
        NoiseSigma: Uniform(random, 2, 9));

    private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();
}
