using System.Numerics.Tensors;

namespace Lookalike.Core.Explain;

/// <summary>
/// Why two photos score as they do, per grid cell: <see cref="QueryGrid"/>[r][c] is how much query cell (r, c)
/// adds to <see cref="Score"/> (its contribution dotted with the whole result vector), <see cref="ResultGrid"/>
/// likewise for the result. Each grid sums to the score: exactly for <see cref="AttributionMethod.Exact"/>, to first
/// order otherwise.
/// </summary>
public sealed record SimilarityExplanation(double Score, AttributionMethod Method, float[][] QueryGrid, float[][] ResultGrid)
{
    /// <summary>Splits the cosine of two spatial embeddings over both grids.</summary>
    /// <exception cref="ArgumentException">The embeddings have different dimensions.</exception>
    public static SimilarityExplanation Compute(SpatialEmbedding query, SpatialEmbedding result)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(result);
        if (query.Dimension != result.Dimension)
            throw new ArgumentException($"Embeddings of {query.Dimension} and {result.Dimension} dimensions cannot be compared.", nameof(result));
        double score = TensorPrimitives.Dot(query.Vector, result.Vector);
        var method = query.Method == AttributionMethod.Exact && result.Method == AttributionMethod.Exact ? AttributionMethod.Exact : AttributionMethod.FirstOrder;
        return new SimilarityExplanation(score, method, Grid(query, result.Vector), Grid(result, query.Vector));
    }

    /// <summary>Sum of a grid's cells (in double), which equals <see cref="Score"/> for an exact split.</summary>
    public static double Sum(float[][] grid) => grid.Sum(row => row.Sum(v => (double)v));

    private static float[][] Grid(SpatialEmbedding side, float[] other)
    {
        var grid = new float[side.Rows][];
        for (int r = 0; r < side.Rows; r++)
        {
            grid[r] = new float[side.Cols];
            for (int c = 0; c < side.Cols; c++) grid[r][c] = TensorPrimitives.Dot(side.Contribution(r, c), other);
        }
        return grid;
    }
}
