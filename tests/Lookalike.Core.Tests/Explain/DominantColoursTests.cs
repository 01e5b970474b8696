using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;

namespace Lookalike.Core.Tests.Explain;

public sealed class DominantColoursTests
{
    [Fact]
    public void Of_ProductOnWhite_ItsColoursWithSharesAndNoBackground()
    {
        // 40×40 white sweep; a 20×10 red block above a 20×10 blue block with a white logo inside the red one.
        var image = Image(40, 40, (x, y) =>
            x is >= 10 and < 30 && y is >= 10 and < 20 ? (x is >= 18 and < 22 && y is >= 13 and < 17 ? (250, 250, 250) : (200, 20, 20))
            : x is >= 10 and < 30 && y is >= 20 and < 30 ? (20, 40, 200)
            : (252, 252, 250));
        var colours = DominantColours.Of(image);
        Assert.Equal(3, colours.Count);
        Assert.Equal("#c81414", colours.First(c => c.R > 150 && c.B < 100).Hex);
        Assert.Equal(184 / 400.0, colours.First(c => c.R > 150 && c.B < 100).Share, 3);
        Assert.Equal(200 / 400.0, colours.First(c => c.B > 150 && c.R < 100).Share, 3);
        Assert.Contains(colours, c => c.R > 240 && c.G > 240); // the logo inside the product is kept
        Assert.Equal(1.0, colours.Sum(c => c.Share), 6);
    }

    [Fact]
    public void Of_WhiteProductFillingThePhoto_KeepsItsWhite()
    {
        var colours = DominantColours.Of(Image(20, 20, (_, _) => (245, 245, 245)));
        Assert.Equal("#f5f5f5", Assert.Single(colours).Hex);
    }

    private static DecodedImage Image(int w, int h, Func<int, int, (int R, int G, int B)> colour)
    {
        var pixels = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var (r, g, b) = colour(x, y);
                pixels[3 * (y * w + x)] = (byte)r;
                pixels[3 * (y * w + x) + 1] = (byte)g;
                pixels[3 * (y * w + x) + 2] = (byte)b;
            }
        return new DecodedImage(w, h, pixels);
    }
}
