using System.Numerics.Tensors;
using Lookalike.Core.Embedding;
using Lookalike.Core.Learning;

namespace Lookalike.Core.Explain;

/// <summary>
/// A photo's embedding split over the locations of its feature grid: <see cref="Vector"/> = Σ over locations of
/// <see cref="Contribution"/> (exactly, or to first order as <see cref="Method"/> says). Locations are in the
/// coordinates of the photo as given, also for the mirrored view of flip averaging.
/// </summary>
public sealed class SpatialEmbedding
{
    private readonly float[] _contributions; // [Rows*Cols, Dimension]

    private SpatialEmbedding(int rows, int cols, int dimension, float[] contributions, float[] vector, AttributionMethod method)
    {
        Rows = rows;
        Cols = cols;
        Dimension = dimension;
        _contributions = contributions;
        Vector = vector;
        Method = method;
    }

    public int Rows { get; }
    public int Cols { get; }
    public int Dimension { get; }

    /// <summary>The unit embedding, as the store keeps it for this model (pooled, flip-averaged, L2-normalised).</summary>
    public float[] Vector { get; }

    public AttributionMethod Method { get; }

    /// <summary>The part of <see cref="Vector"/> that comes from grid cell (<paramref name="row"/>, <paramref name="col"/>).</summary>
    public ReadOnlySpan<float> Contribution(int row, int col) => _contributions.AsSpan((row * Cols + col) * Dimension, Dimension);

    /// <summary>
    /// Pools <paramref name="map"/> as <paramref name="pooling"/> does and splits the result over its locations;
    /// with <paramref name="mirrored"/> (the map of the mirrored photo, flip test-time augmentation) the two unit
    /// vectors are averaged and re-normalised, as the embedder does, and the mirrored map's columns are flipped back.
    /// With the regions <paramref name="readout"/> the vector carries the map's regions after the pooled part
    /// (<see cref="RegionVectors"/>), and each location's share of every region it lies in is added to its contribution.
    /// </summary>
    /// <exception cref="ArgumentException">The maps differ in shape, or a mirrored map with the regions readout.</exception>
    public static SpatialEmbedding Compute(FeatureMap map, FeatureMap? mirrored, EmbeddingPooling pooling, HeadReadout readout = HeadReadout.None)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (mirrored is not null && (mirrored.Channels != map.Channels || mirrored.Rows != map.Rows || mirrored.Cols != map.Cols))
            throw new ArgumentException("The mirrored feature map must have the same shape.", nameof(mirrored));
        if (mirrored is not null && readout != HeadReadout.None)
            throw new ArgumentException("The regions readout is never averaged with a mirror image.", nameof(mirrored));
        int d = map.Channels, area = map.Area;
        var contributions = new float[area * d];
        var vector = new float[d];

        AddView(map, pooling, flipColumns: false, contributions, out float[] unit);
        float scale = 1f;
        if (mirrored is not null)
        {
            AddView(mirrored, pooling, flipColumns: true, contributions, out float[] mirroredUnit);
            TensorPrimitives.Add(unit, mirroredUnit, unit);
            float norm = TensorPrimitives.Norm(unit);
            scale = norm > 0 ? 1f / norm : 0f;
        }
        TensorPrimitives.Multiply(unit, scale, vector);
        if (scale != 1f) TensorPrimitives.Multiply(contributions, scale, contributions);
        var method = pooling.IsAverage ? AttributionMethod.Exact : AttributionMethod.FirstOrder;
        return readout == HeadReadout.Regions
            ? WithRegions(map, contributions, vector, method)
            : new SpatialEmbedding(map.Rows, map.Cols, d, contributions, vector, method);
    }

    /// <summary>
    /// Appends the regions to a pooled split: region k is the unit mean of its window's cells, so a cell inside it
    /// gives its values divided by the window's cell count and by the mean's norm — an exact split of that part.
    /// Every part is then scaled as <see cref="RegionVectors"/> stores it.
    /// </summary>
    private static SpatialEmbedding WithRegions(FeatureMap map, float[] pooledContributions, float[] pooledVector, AttributionMethod method)
    {
        int d = map.Channels, area = map.Area, dimension = RegionVectors.Dimension(d);
        var vector = new float[dimension];
        pooledVector.CopyTo(vector, 0);
        RegionReadout.Compute(map.Values, d, map.Rows, map.Cols, vector.AsSpan(d));
        int windows = RegionVectors.Parts - 1, cells = RegionReadout.WindowCells(map.Rows, map.Cols);
        var inside = new bool[windows, area];
        var means = new float[windows * d];
        var column = new float[d];
        for (int i = 0; i < area; i++)
        {
            for (int c = 0; c < d; c++) column[c] = map.Values[c * area + i];
            for (int k = 0; k < windows; k++)
            {
                inside[k, i] = RegionReadout.Contains(map.Rows, map.Cols, k, i / map.Cols, i % map.Cols);
                Span<float> mean = means.AsSpan(k * d, d);
                if (inside[k, i]) TensorPrimitives.MultiplyAdd(column, 1f / cells, mean, mean);
            }
        }
        var inverseNorms = new float[windows];
        for (int k = 0; k < windows; k++)
        {
            float norm = TensorPrimitives.Norm(means.AsSpan(k * d, d));
            inverseNorms[k] = norm > 0 ? 1f / norm : 0f;
        }
        var contributions = new float[area * dimension];
        for (int i = 0; i < area; i++)
        {
            Span<float> cell = contributions.AsSpan(i * dimension, dimension);
            pooledContributions.AsSpan(i * d, d).CopyTo(cell);
            for (int c = 0; c < d; c++) column[c] = map.Values[c * area + i];
            for (int k = 0; k < windows; k++)
            {
                if (inside[k, i]) TensorPrimitives.Multiply(column, inverseNorms[k] / cells, cell.Slice((k + 1) * d, d));
            }
        }
        TensorPrimitives.Multiply(vector, RegionVectors.Scale, vector);
        TensorPrimitives.Multiply(contributions, RegionVectors.Scale, contributions);
        return new SpatialEmbedding(map.Rows, map.Cols, dimension, contributions, vector, method);
    }

    /// <summary>
    /// The split carried into a catalog's learned space (<c>y = normalise(P(v))</c>): each cell's contribution goes
    /// through <paramref name="projection"/> as <see cref="Projection.Split"/> does, taking a share of the biases
    /// (the catalog mean a linear method subtracts) in proportion to its share of the embedding's total activation, so
    /// the cells still sum to the projected vector. Exact stays exact for linear projections; the metric-learning head,
    /// with its ReLUs, is split to first order.
    /// </summary>
    /// <exception cref="ArgumentException">The projection takes another dimension.</exception>
    public SpatialEmbedding Project(Projection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        if (projection.InputDimension != Dimension)
            throw new ArgumentException($"The projection takes {projection.InputDimension} values; this embedding has {Dimension}.", nameof(projection));
        int area = Rows * Cols;
        var shares = new float[area];
        double total = 0;
        for (int i = 0; i < area; i++) total += TensorPrimitives.Sum(_contributions.AsSpan(i * Dimension, Dimension));
        for (int i = 0; i < area; i++)
            shares[i] = Math.Abs(total) > 1e-12 ? (float)(TensorPrimitives.Sum(_contributions.AsSpan(i * Dimension, Dimension)) / total) : 1f / area;
        float[] projected = projection.Split(Vector, _contributions, shares);
        int d = projection.OutputDimension;
        var vector = new float[d];
        for (int i = 0; i < area; i++) TensorPrimitives.Add(vector, projected.AsSpan(i * d, d), vector);
        float norm = TensorPrimitives.Norm(vector);
        float scale = norm > 0 ? 1f / norm : 0f;
        TensorPrimitives.Multiply(vector, scale, vector);
        TensorPrimitives.Multiply(projected, scale, projected);
        return new SpatialEmbedding(Rows, Cols, d, projected, vector, projection.IsLinear ? Method : AttributionMethod.FirstOrder);
    }

    /// <summary>Pools one view and adds each location's share of its unit vector to <paramref name="contributions"/>.</summary>
    private static void AddView(FeatureMap map, EmbeddingPooling pooling, bool flipColumns, float[] contributions, out float[] unit)
    {
        int d = map.Channels, area = map.Area, cols = map.Cols;
        var share = new float[area * d]; // [location, channel]: that location's part of the pooled channel
        var pooled = new float[d];
        float[] values = map.Values;
        var powers = pooling.Kind == PoolingKind.Gem ? new double[area] : [];
        for (int c = 0; c < d; c++)
        {
            ReadOnlySpan<float> plane = values.AsSpan(c * area, area);
            switch (pooling.Kind)
            {
                case PoolingKind.Max:
                {
                    int best = TensorPrimitives.IndexOfMax(plane);
                    pooled[c] = plane[best];
                    share[best * d + c] = plane[best]; // the gradient is 1 at the maximum, 0 elsewhere
                    break;
                }
                case PoolingKind.Gem:
                {
                    // g = (mean x'^p)^(1/p), x' = max(x, ε); ∂g/∂x'_i · x'_i = x'_i^p · g^(1-p) / area, which sums to g.
                    double p = pooling.P, sum = 0;
                    for (int i = 0; i < area; i++)
                    {
                        powers[i] = Math.Pow(Math.Max(plane[i], EmbeddingPooling.GemEpsilon), p);
                        sum += powers[i];
                    }
                    double g = Math.Pow(sum / area, 1 / p);
                    pooled[c] = (float)g;
                    double factor = sum > 0 ? g / sum : 0;
                    for (int i = 0; i < area; i++) share[i * d + c] = (float)(powers[i] * factor);
                    break;
                }
                default:
                    float sumPlane = 0;
                    for (int i = 0; i < area; i++)
                    {
                        share[i * d + c] = plane[i] / area;
                        sumPlane += plane[i];
                    }
                    pooled[c] = sumPlane / area;
                    break;
            }
        }
        float norm = TensorPrimitives.Norm(pooled);
        float scale = norm > 0 ? 1f / norm : 0f;
        unit = pooled;
        TensorPrimitives.Multiply(unit, scale, unit);
        for (int i = 0; i < area; i++)
        {
            int target = flipColumns ? (i / cols) * cols + (cols - 1 - i % cols) : i;
            Span<float> destination = contributions.AsSpan(target * d, d);
            TensorPrimitives.MultiplyAdd(share.AsSpan(i * d, d), scale, destination, destination);
        }
    }
}
