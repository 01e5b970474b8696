namespace Lookalike.Core.Imaging;

/// <summary>
/// How busy a photo's border is: a studio product shot stands on a plain backdrop, so almost all of its border band is
/// one colour (the product may touch the edge in places); a snapshot of a product in a room or a shop has a scene all
/// round it. Measured on the whole photo stretched to <see cref="Side"/>×<see cref="Side"/> (the decode's downscaling
/// averages away sensor noise and JPEG blocks, so what remains is structure).
/// </summary>
public static class BorderClutter
{
    /// <summary>Side of the square the whole photo is decoded to for the measure.</summary>
    public const int Side = 64;

    /// <summary>Width of the border band, in pixels of <see cref="Side"/> (1/16 of the photo on each edge).</summary>
    public const int Band = 4;

    /// <summary>A band pixel is backdrop when every channel is within this many levels of the band's median colour.</summary>
    public const int Tolerance = 24;

    /// <summary>Above this <see cref="Share"/> a border is busy (a scene); chosen on products photos, checked on clothing and H&M (docs/evaluation.md, round 6).</summary>
    public const double BusyShare = 0.20;

    /// <summary>The decode that <see cref="Share"/> expects: the whole photo, stretched to a small square.</summary>
    public static ImageTarget Target { get; } = new(Side, Side, ResizeMode.Stretch);

    /// <summary>True when the photo's border is a scene rather than a plain backdrop: <see cref="Share"/> above <see cref="BusyShare"/>.</summary>
    public static bool IsBusy(DecodedImage image) => Share(image) > BusyShare;

    /// <summary>
    /// Share of the border band's pixels (0–1) that differ from the band's median colour by more than
    /// <see cref="Tolerance"/> in some channel: near 0 for a plain backdrop, high for a scene.
    /// </summary>
    public static double Share(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        int width = image.Width, height = image.Height;
        int band = Math.Max(1, Math.Min(Band * Math.Min(width, height) / Side, Math.Min(width, height) / 2));
        var pixels = image.Pixels;
        var indices = new List<int>((width + height) * 2 * band);
        for (int y = 0; y < height; y++)
        {
            bool edgeRow = y < band || y >= height - band;
            for (int x = 0; x < width; x++)
                if (edgeRow || x < band || x >= width - band) indices.Add(y * width + x);
        }
        Span<byte> median = stackalloc byte[3];
        var channel = new byte[indices.Count];
        for (int c = 0; c < 3; c++)
        {
            for (int i = 0; i < indices.Count; i++) channel[i] = pixels[3 * indices[i] + c];
            Array.Sort(channel);
            median[c] = channel[channel.Length / 2];
        }
        int busy = 0;
        foreach (int i in indices)
        {
            int p = 3 * i;
            if (Math.Abs(pixels[p] - median[0]) > Tolerance || Math.Abs(pixels[p + 1] - median[1]) > Tolerance
                || Math.Abs(pixels[p + 2] - median[2]) > Tolerance)
                busy++;
        }
        return (double)busy / indices.Count;
    }
}
