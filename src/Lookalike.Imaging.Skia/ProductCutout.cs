using Lookalike.Core.Imaging;

namespace Lookalike.Imaging.Skia;

/// <summary>
/// Separates a studio product photo from its plain light backdrop: the near-white region connected to the border
/// becomes transparent, with a one-pixel soft edge. Photos without such a backdrop (a garment photographed in a room)
/// stay opaque and are pasted whole, as a photo of a photo.
/// </summary>
internal static class ProductCutout
{
    /// <summary>Every channel at least this bright counts as backdrop.</summary>
    private const int BackdropLevel = 228;

    /// <summary>Below this share of border pixels being backdrop the photo has no studio backdrop.</summary>
    private const double MinBorderShare = 0.5;

    /// <summary>Above this share of all pixels being backdrop there is no product to cut out (a blank photo).</summary>
    private const double MaxBackdropShare = 0.97;

    /// <summary>One alpha byte per pixel (0 backdrop … 255 product), row-major; null when the photo stays opaque.</summary>
    public static byte[]? Alpha(DecodedImage image)
    {
        int width = image.Width, height = image.Height;
        var pixels = image.Pixels;
        bool IsBackdrop(int i) => pixels[3 * i] >= BackdropLevel && pixels[3 * i + 1] >= BackdropLevel && pixels[3 * i + 2] >= BackdropLevel;

        int border = 0, light = 0;
        for (int x = 0; x < width; x++)
        {
            border += 2;
            light += (IsBackdrop(x) ? 1 : 0) + (IsBackdrop((height - 1) * width + x) ? 1 : 0);
        }
        for (int y = 1; y < height - 1; y++)
        {
            border += 2;
            light += (IsBackdrop(y * width) ? 1 : 0) + (IsBackdrop(y * width + width - 1) ? 1 : 0);
        }
        if (light < MinBorderShare * border) return null;

        // Flood fill (4-neighbours) from every light border pixel: only backdrop that reaches the edge is removed,
        // so white parts inside the product (a white shirt's front) stay.
        var backdrop = new bool[width * height];
        var stack = new Stack<int>();
        void Seed(int i)
        {
            if (!backdrop[i] && IsBackdrop(i))
            {
                backdrop[i] = true;
                stack.Push(i);
            }
        }
        for (int x = 0; x < width; x++)
        {
            Seed(x);
            Seed((height - 1) * width + x);
        }
        for (int y = 0; y < height; y++)
        {
            Seed(y * width);
            Seed(y * width + width - 1);
        }
        int count = 0;
        while (stack.TryPop(out int i))
        {
            count++;
            int x = i % width, y = i / width;
            if (x > 0) Seed(i - 1);
            if (x < width - 1) Seed(i + 1);
            if (y > 0) Seed(i - width);
            if (y < height - 1) Seed(i + width);
        }
        if (count > MaxBackdropShare * width * height) return null;

        // Soft edge: each alpha is the 3×3 mean of the hard mask, so the product does not look pasted with scissors.
        var alpha = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int sum = 0, n = 0;
                for (int dy = -1; dy <= 1; dy++)
                {
                    int yy = y + dy;
                    if (yy < 0 || yy >= height) continue;
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int xx = x + dx;
                        if (xx < 0 || xx >= width) continue;
                        sum += backdrop[yy * width + xx] ? 0 : 255;
                        n++;
                    }
                }
                alpha[y * width + x] = (byte)((sum + n / 2) / n);
            }
        }
        return alpha;
    }
}
