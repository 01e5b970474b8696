using Lookalike.Core.Imaging;

namespace Lookalike.Core.Explain;

/// <summary>
/// A photo's dominant colours from its pixels: k-means in RGB over the product's pixels, the studio background
/// left out. Deterministic (farthest-point seeding, no random numbers).
/// </summary>
public static class DominantColours
{
    /// <summary>Most colours returned.</summary>
    public const int MaxColours = 5;

    /// <summary>Colours standing for less than this share of the product's pixels are dropped.</summary>
    public const double MinShare = 0.03;

    /// <summary>
    /// Near-white: every channel at least this and little colour. Catalog shots sit on white or light-grey sweeps.
    /// </summary>
    private const int BackgroundMin = 225, BackgroundMaxSpread = 24;

    /// <summary>
    /// The dominant colours of <paramref name="image"/> (best a small fitted copy, e.g. 64×64: every pixel is visited
    /// a few times), largest share first. Background = near-white pixels connected to the border; it is ignored
    /// unless that would leave under 5% of the photo (a white product shot on white keeps its white).
    /// </summary>
    public static IReadOnlyList<ColourSwatch> Of(DecodedImage image, int maxColours = MaxColours)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxColours, 1);
        bool[] background = BorderConnectedBackground(image);
        int foreground = background.Count(b => !b);
        bool skipBackground = foreground >= 0.05 * background.Length;
        var pixels = new List<(float R, float G, float B)>(skipBackground ? foreground : background.Length);
        byte[] px = image.Pixels;
        for (int i = 0; i < background.Length; i++)
            if (!skipBackground || !background[i]) pixels.Add((px[3 * i], px[3 * i + 1], px[3 * i + 2]));
        return Cluster(pixels, maxColours);
    }

    private static bool IsNearWhite(byte[] px, int i)
    {
        byte r = px[3 * i], g = px[3 * i + 1], b = px[3 * i + 2];
        int min = Math.Min(r, Math.Min(g, b)), max = Math.Max(r, Math.Max(g, b));
        return min >= BackgroundMin && max - min <= BackgroundMaxSpread;
    }

    /// <summary>Flood fill (4-connected) of near-white pixels from the border: white inside the product stays.</summary>
    private static bool[] BorderConnectedBackground(DecodedImage image)
    {
        int w = image.Width, h = image.Height;
        var background = new bool[w * h];
        var stack = new Stack<int>();
        void Seed(int i)
        {
            if (!background[i] && IsNearWhite(image.Pixels, i)) { background[i] = true; stack.Push(i); }
        }
        for (int x = 0; x < w; x++) { Seed(x); Seed((h - 1) * w + x); }
        for (int y = 0; y < h; y++) { Seed(y * w); Seed(y * w + w - 1); }
        while (stack.TryPop(out int i))
        {
            int x = i % w, y = i / w;
            if (x > 0) Seed(i - 1);
            if (x < w - 1) Seed(i + 1);
            if (y > 0) Seed(i - w);
            if (y < h - 1) Seed(i + w);
        }
        return background;
    }

    private static List<ColourSwatch> Cluster(List<(float R, float G, float B)> pixels, int k)
    {
        if (pixels.Count == 0) return [];
        // Farthest-point seeding from the mean: deterministic and spreads the seeds over distinct colours.
        var centres = new List<(float R, float G, float B)> { Mean(pixels, _ => true) };
        var nearest = new float[pixels.Count];
        Array.Fill(nearest, float.MaxValue);
        while (centres.Count < k)
        {
            int far = -1;
            float farDistance = 0;
            for (int i = 0; i < pixels.Count; i++)
            {
                nearest[i] = Math.Min(nearest[i], Distance(pixels[i], centres[^1]));
                if (nearest[i] > farDistance) { farDistance = nearest[i]; far = i; }
            }
            if (far < 0 || farDistance < 20 * 20) break; // every pixel is already close to a centre
            centres.Add(pixels[far]);
        }

        var assignment = new int[pixels.Count];
        for (int iteration = 0; iteration < 16; iteration++)
        {
            bool moved = false;
            for (int i = 0; i < pixels.Count; i++)
            {
                int best = 0;
                for (int c = 1; c < centres.Count; c++)
                    if (Distance(pixels[i], centres[c]) < Distance(pixels[i], centres[best])) best = c;
                if (best != assignment[i]) { assignment[i] = best; moved = true; }
            }
            for (int c = 0; c < centres.Count; c++)
            {
                int cluster = c;
                if (assignment.Any(a => a == cluster)) centres[c] = Mean(pixels, i => assignment[i] == cluster);
            }
            if (!moved && iteration > 0) break;
        }

        var counts = new int[centres.Count];
        foreach (int a in assignment) counts[a]++;
        return centres
            .Select((c, i) => new ColourSwatch(ToByte(c.R), ToByte(c.G), ToByte(c.B), (double)counts[i] / pixels.Count))
            .Where(s => s.Share >= MinShare)
            .OrderByDescending(s => s.Share)
            .ToList();
    }

    private static (float R, float G, float B) Mean(List<(float R, float G, float B)> pixels, Func<int, bool> include)
    {
        double r = 0, g = 0, b = 0;
        int n = 0;
        for (int i = 0; i < pixels.Count; i++)
        {
            if (!include(i)) continue;
            r += pixels[i].R; g += pixels[i].G; b += pixels[i].B; n++;
        }
        return n == 0 ? default : ((float)(r / n), (float)(g / n), (float)(b / n));
    }

    private static float Distance((float R, float G, float B) a, (float R, float G, float B) b)
    {
        // Weighted RGB ("redmean"-like, fixed weights): closer to perceived difference than plain RGB, no colour space library.
        float dr = a.R - b.R, dg = a.G - b.G, db = a.B - b.B;
        return 2 * dr * dr + 4 * dg * dg + 3 * db * db;
    }

    private static byte ToByte(float v) => (byte)Math.Clamp((int)MathF.Round(v), 0, 255);
}
