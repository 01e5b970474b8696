using Lookalike.Core.Catalog;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;

namespace Lookalike.Core.Tests.Retrieval;

public class QueryExpansionTests
{
    private static readonly ItemId A = ItemId.Parse("a"), B = ItemId.Parse("b"), C = ItemId.Parse("c");

    [Fact]
    public void Expand_WeightsNeighboursByScorePowerAlpha()
    {
        var vectors = new Dictionary<ItemId, float[]> { [A] = [0, 1], [B] = [-1, 0] };
        var output = new float[2];
        // q + 0.5² · a (b is beyond n = 1): (1, 0.25) normalised.
        QueryExpansion.Expand([1f, 0f], [new SearchHit(A, 0.5f), new SearchHit(B, 0.9f)], neighbours: 1, alpha: 2, id => vectors[id], output);
        float norm = MathF.Sqrt(1 + 0.0625f);
        Assert.Equal(1 / norm, output[0], 1e-6f);
        Assert.Equal(0.25f / norm, output[1], 1e-6f);
    }

    [Fact]
    public void Expand_NegativeScores_AddNothing()
    {
        var output = new float[2];
        QueryExpansion.Expand([0.6f, 0.8f], [new SearchHit(A, -0.3f)], 3, 3, _ => new float[] { 1, 0 }, output);
        Assert.Equal([0.6f, 0.8f], output);
    }

    [Fact]
    public void AugmentDatabase_EachRowAveragedWithItsNearestOther()
    {
        // a and b are close (cos 0.8), c is orthogonal to a; n = 1, α = 1.
        float[] rows = [1, 0, 0.8f, 0.6f, 0, 1];
        var augmented = QueryExpansion.AugmentDatabase([A, B, C], rows, 2, neighbours: 1, alpha: 1);
        // a: a + 0.8·b = (1.64, 0.48); c: nearest is b (0.6): c + 0.6·b = (0.48, 1.36).
        float na = MathF.Sqrt(1.64f * 1.64f + 0.48f * 0.48f), nc = MathF.Sqrt(0.48f * 0.48f + 1.36f * 1.36f);
        Assert.Equal(1.64f / na, augmented[0], 1e-5f);
        Assert.Equal(0.48f / na, augmented[1], 1e-5f);
        Assert.Equal(0.48f / nc, augmented[4], 1e-5f);
        Assert.Equal(1.36f / nc, augmented[5], 1e-5f);
    }

    [Fact]
    public void Rocchio_MovesTowardsRelevantAndAwayFromOthers()
    {
        var output = new float[2];
        // 1·(1,0) + 0.5·mean((0,1),(0,1)) − 0.5·(1,0) = (0.5, 0.5) → (√½, √½).
        QueryExpansion.Rocchio([1f, 0f], [new float[] { 0, 1 }, new float[] { 0, 1 }], [new float[] { 1, 0 }], 1, 0.5f, 0.5f, output);
        Assert.Equal(MathF.Sqrt(0.5f), output[0], 1e-6f);
        Assert.Equal(MathF.Sqrt(0.5f), output[1], 1e-6f);
    }
}
