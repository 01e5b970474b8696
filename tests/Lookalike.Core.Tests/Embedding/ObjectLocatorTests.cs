using Lookalike.Core.Embedding;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;

namespace Lookalike.Core.Tests.Embedding;

public sealed class ObjectLocatorTests
{
    /// <summary>A 4-channel 7×7 map, 0.1 everywhere, <paramref name="hot"/> cells at 5 in every channel.</summary>
    private static FeatureMap Map(params (int Row, int Col)[] hot)
    {
        var values = Enumerable.Repeat(0.1f, 4 * 49).ToArray();
        foreach (var (r, c) in hot)
            for (int ch = 0; ch < 4; ch++) values[ch * 49 + r * 7 + c] = 5f;
        return new FeatureMap(4, 7, 7, values);
    }

    [Fact]
    public void Locate_KeepsTheLargestHotPart_AndItsBox()
    {
        // A 2×3 block at rows 1–2, cols 3–5, and a lone hot cell far away at (6, 0): the block is the object.
        var map = Map((1, 3), (1, 4), (1, 5), (2, 3), (2, 4), (2, 5), (6, 0));
        var region = ObjectLocator.Locate(map);
        Assert.Equal((1, 3, 2, 3), (region.Top, region.Left, region.Height, region.Width));
        Assert.Equal(6, region.Mask.Count(m => m));
        Assert.False(region.Mask[6 * 7 + 0]);
    }

    [Fact]
    public void Locate_FlatMap_KeepsEverything()
    {
        var region = ObjectLocator.Locate(Map());
        Assert.Equal((0, 0, 7, 7), (region.Top, region.Left, region.Height, region.Width));
        Assert.All(region.Mask, Assert.True);
    }

    [Fact]
    public void CropOf_MapsCellsToASquareOfThePhotoInsideIt()
    {
        // The model input covered the whole 700×700 photo: a cell is 100 px. Cells rows 1–2, cols 3–5 with half a
        // cell of margin: x 250–650, y 50–350, so a 400 px square centred at (450, 200): x 250, y 0 (moved inside).
        var region = ObjectLocator.Locate(Map((1, 3), (1, 4), (1, 5), (2, 3), (2, 4), (2, 5)));
        var crop = ObjectLocator.CropOf(region, new FractionRect(0, 0, 1, 1), 700, 700);
        Assert.Equal(250 / 700.0, crop.X, 9);
        Assert.Equal(0, crop.Y, 9);
        Assert.Equal(400 / 700.0, crop.Width, 9);
        Assert.Equal(400 / 700.0, crop.Height, 9);

        // A centre-cropped landscape photo (1400×700): the input covered x 350–1050, so the same cells sit 350 px right.
        var wide = ObjectLocator.CropOf(region, InputArea.Of(new ImageTarget(224, 224, ResizeMode.CenterCrop), 1400, 700), 1400, 700);
        Assert.Equal(600 / 1400.0, wide.X, 9);
        Assert.Equal(400 / 1400.0, wide.Width, 9);
        Assert.Equal(400 / 700.0, wide.Height, 9);
    }

    [Fact]
    public void PoolMasked_WholeMask_IsTheModelsPooling_PartMask_OnlyThoseCells()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 8 * 49).Select(_ => (float)random.NextDouble()).ToArray();
        var map = new FeatureMap(8, 7, 7, values);
        foreach (var pooling in (EmbeddingPooling[])[EmbeddingPooling.Average, EmbeddingPooling.Gem(3), EmbeddingPooling.Max])
        {
            var whole = new float[8];
            ObjectLocator.PoolMasked(map, Enumerable.Repeat(true, 49).ToArray(), pooling, whole);
            var expected = SpatialEmbedding.Compute(map, null, pooling).Vector;
            for (int c = 0; c < 8; c++) Assert.Equal(expected[c], whole[c], 5);
        }

        // One cell kept: every pooling gives that cell's (normalised) activations.
        var mask = new bool[49];
        mask[10] = true;
        var single = new float[8];
        ObjectLocator.PoolMasked(map, mask, EmbeddingPooling.Gem(3), single);
        var cell = Enumerable.Range(0, 8).Select(c => values[c * 49 + 10]).ToArray();
        double norm = Math.Sqrt(cell.Sum(v => (double)v * v));
        for (int c = 0; c < 8; c++) Assert.Equal(cell[c] / norm, single[c], 5);
    }
}
