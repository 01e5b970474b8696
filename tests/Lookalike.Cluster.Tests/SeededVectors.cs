using Lookalike.Core.Vectors;

namespace Lookalike.Cluster.Tests;

/// <summary>Seeded Gaussian vectors written as an export would (<c>.npy</c> + one id a line), and seeded query vectors.</summary>
public static class SeededVectors
{
    public static (string Npy, string Ids) Write(string directory, int count, int dimension, long seed)
    {
        string npy = Path.Combine(directory, "vectors.npy"), ids = Path.Combine(directory, "vectors.ids.txt");
        using (var stream = File.Create(npy))
        {
            NpyFormat.WriteHeader(stream, count, dimension);
            for (int i = 0; i < count; i++) NpyFormat.WriteRow(stream, Unit(dimension, seed, i));
        }
        File.WriteAllLines(ids, Enumerable.Range(0, count).Select(Id));
        return (npy, ids);
    }

    public static string Id(int row) => $"products/{row:D5}";

    public static float[] Unit(int dimension, long seed, long stream)
    {
        var random = SplitMix64.For(seed, stream);
        var vector = new float[dimension];
        for (int d = 0; d < dimension; d++) vector[d] = (float)random.NextGaussian();
        VectorMath.Normalize(vector);
        return vector;
    }
}
