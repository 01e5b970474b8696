namespace Lookalike.Core.Learning;

/// <summary>
/// The space a store is searched in: its raw vectors mapped through its learned <see cref="Projection"/>, or the raw
/// vectors themselves when it has none. Everything that puts a vector into an index or searches one goes through
/// <see cref="Map(ReadOnlySpan{float})"/>, so queries, stored items and items added later always meet in one space.
/// </summary>
public sealed class LearnedSpace(Projection? projection)
{
    public static LearnedSpace Raw { get; } = new(null);

    /// <summary>The learned map; null: the raw space.</summary>
    public Projection? Projection { get; } = projection;

    /// <summary>Dimension of mapped vectors for raw vectors of <paramref name="rawDimension"/>.</summary>
    public int OutputDimension(int rawDimension) => Projection?.OutputDimension ?? rawDimension;

    /// <summary>A new array holding <paramref name="raw"/> in this space (a copy when raw).</summary>
    public float[] Map(ReadOnlySpan<float> raw)
    {
        if (Projection is null) return raw.ToArray();
        var output = new float[Projection.OutputDimension];
        Projection.Apply(raw, output);
        return output;
    }

    /// <summary>
    /// Writes <paramref name="count"/> row-major raw vectors in this space into <paramref name="output"/>, a block at a
    /// time (<see cref="Projection.ApplyRows"/>): for building an index of many items at once.
    /// </summary>
    public void MapRows(ReadOnlySpan<float> raw, int count, Span<float> output, Vectors.PackedProduct product)
    {
        if (Projection is null)
        {
            raw.CopyTo(output);
            return;
        }
        Projection.ApplyRows(raw, count, output, product);
    }

    /// <summary>Writes <paramref name="raw"/> in this space into <paramref name="output"/>.</summary>
    public void Map(ReadOnlySpan<float> raw, Span<float> output)
    {
        if (Projection is null) raw.CopyTo(output);
        else Projection.Apply(raw, output);
    }
}
