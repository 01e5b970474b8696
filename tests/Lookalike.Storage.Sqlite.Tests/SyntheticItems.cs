using Lookalike.Core.Catalog;
using Lookalike.Core.Vectors;

namespace Lookalike.Storage.Sqlite.Tests;

/// <summary>Catalog items with clustered synthetic vectors, for tests of how the store maps rows to ids.</summary>
internal static class SyntheticItems
{
    public static readonly ModelId Model = new("test@00000000");

    /// <summary><paramref name="n"/> unit vectors of <paramref name="dimension"/> values, drawn around <paramref name="clusters"/> centres.</summary>
    public static float[][] Vectors(int n, int dimension, int clusters, int seed)
    {
        float[] data = new SyntheticVectors(dimension, clusters, seed: seed).Generate(n, stream: 0);
        return Enumerable.Range(0, n).Select(i => data.AsSpan(i * dimension, dimension).ToArray()).ToArray();
    }

    public static CatalogItem Item(string id, float[] vector) => new()
    {
        Id = ItemId.Parse(id), Path = "/p/" + id, ContentHash = "hash-" + id, SizeBytes = 10,
        ModifiedUtc = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), Model = Model, Vector = vector,
    };
}
