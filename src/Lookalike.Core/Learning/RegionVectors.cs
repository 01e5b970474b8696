using Lookalike.Core.Catalog;

namespace Lookalike.Core.Learning;

/// <summary>
/// The vectors of a model with the <c>+regions</c> readout (<see cref="HeadReadout.Regions"/>): the pooled unit vector
/// followed by its <see cref="RegionReadout"/> (<see cref="RegionReadout.Grid"/>² unit vectors), the whole scaled by
/// 1/√<see cref="Parts"/> to unit length. Raw cosine between two is the mean of their ten parts' cosines. A learned
/// head reads the pooled part as the photo's vector and the regions beside it, so a store of such vectors learns the
/// regions head from what it keeps, and maps items added later without reading their photos again.
/// </summary>
public static class RegionVectors
{
    /// <summary>The pooled vector and the regions.</summary>
    public const int Parts = 1 + RegionReadout.Grid * RegionReadout.Grid;

    /// <summary>The suffix naming the readout in model names and ids (<c>resnet18+gem3+regions</c>).</summary>
    public const string Suffix = "regions";

    /// <summary>What every part is multiplied by: 1/√<see cref="Parts"/>.</summary>
    public static float Scale { get; } = 1f / MathF.Sqrt(Parts);

    /// <summary>Length of the vector of a map with <paramref name="channels"/> channels.</summary>
    public static int Dimension(int channels) => Parts * channels;

    /// <summary>Whether vectors of <paramref name="model"/> carry the readout (its name, before the <c>@</c>, has a <c>+regions</c> part).</summary>
    public static bool Carries(ModelId model)
    {
        string name = model.Value;
        int at = name.LastIndexOf('@');
        if (at >= 0) name = name[..at];
        return name.Split('+').Skip(1).Any(part => string.Equals(part, Suffix, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A learning set of such vectors as the head reads it: the pooled unit vector, and the regions beside it.</summary>
    /// <exception cref="ArgumentException">Rows that are not <see cref="Parts"/> equal parts.</exception>
    public static LearningSet Split(LearningSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.Dimension % Parts != 0) throw new ArgumentException($"{set.Dimension}-d rows are not {Parts} parts of a +{Suffix} vector.", nameof(set));
        return set.SplitReadout(set.Dimension / Parts, 1f / Scale);
    }

    /// <summary>
    /// The projection learned on <see cref="Split"/> rows, made to take the stored vectors as they are (each value
    /// <see cref="Scale"/> times what it learned on): the first layer's weights grow by 1/<see cref="Scale"/>, and a
    /// residual projection's last layer shrinks by <see cref="Scale"/> to match the input it adds. The outputs are the
    /// same unit vectors.
    /// </summary>
    public static Projection TakeStored(Projection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var layers = projection.Layers.ToList();
        layers[0] = Scaled(layers[0], 1f / Scale, 1f);
        if (projection.Residual) layers[^1] = Scaled(layers[^1], Scale, Scale);
        return new Projection(layers, projection.Residual);
    }

    private static ProjectionLayer Scaled(ProjectionLayer layer, float weights, float bias) =>
        layer with { Weights = [.. layer.Weights.Select(w => w * weights)], Bias = [.. layer.Bias.Select(b => b * bias)] };
}
