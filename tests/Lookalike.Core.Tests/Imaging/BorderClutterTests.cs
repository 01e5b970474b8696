using Lookalike.Core.Imaging;

namespace Lookalike.Core.Tests.Imaging;

public sealed class BorderClutterTests
{
    private const int Side = BorderClutter.Side;

    [Fact]
    public void PlainBackdrop_WithAProductTouchingOneEdge_IsNotBusy()
    {
        // White backdrop; a dark product fills the middle and runs off the bottom edge (a studio shot cut at the hem).
        var image = Image((x, y) => x is >= 24 and < 40 && y >= 16 ? (40, 30, 90) : (250, 250, 248));
        double share = BorderClutter.Share(image);
        Assert.InRange(share, 0.01, 0.1);
        Assert.False(BorderClutter.IsBusy(image));
    }

    [Fact]
    public void SceneAllRound_IsBusy()
    {
        // A textured scene: 4-pixel tiles of unrelated colours, as a floor, shelf or street behind the product.
        var image = Image((x, y) => (((x / 4) * 7 + (y / 4) * 13) % 5) switch
        {
            0 => (200, 40, 40), 1 => (30, 160, 60), 2 => (250, 250, 250), 3 => (20, 20, 20), _ => (90, 90, 200),
        });
        Assert.True(BorderClutter.Share(image) > 0.6);
        Assert.True(BorderClutter.IsBusy(image));
    }

    [Fact]
    public void NoisyPlainBackdrop_IsNotBusy()
    {
        // A plain grey wall with ±10 levels of noise: within the tolerance, so still plain.
        ulong state = 1;
        var image = Image((_, _) =>
        {
            state = state * 6364136223846793005UL + 1442695040888963407UL;
            int noise = Math.Clamp((int)(state >> 59) - 16, -10, 10);
            return (128 + noise, 128 + noise, 128 + noise);
        });
        Assert.Equal(0, BorderClutter.Share(image));
    }

    private static DecodedImage Image(Func<int, int, (int R, int G, int B)> colour)
    {
        var pixels = new byte[Side * Side * 3];
        for (int y = 0; y < Side; y++)
        for (int x = 0; x < Side; x++)
        {
            var (r, g, b) = colour(x, y);
            int p = 3 * (y * Side + x);
            (pixels[p], pixels[p + 1], pixels[p + 2]) = ((byte)r, (byte)g, (byte)b);
        }
        return new DecodedImage(Side, Side, pixels);
    }
}
