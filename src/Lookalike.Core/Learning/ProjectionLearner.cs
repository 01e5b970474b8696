using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Learning;

/// <summary>Fits a <see cref="Projection"/> with the chosen <see cref="ProjectionMethod"/>.</summary>
public static class ProjectionLearner
{
    /// <summary>The method <c>learn</c> uses unless told otherwise: the one that measured best (docs/evaluation.md, "Learned").</summary>
    public const ProjectionMethod DefaultMethod = ProjectionMethod.Head;

    public static Projection Fit(LearningSet set, ProjectionMethod method, MetricHeadOptions? head = null, IProgress<string>? progress = null) => method switch
    {
        ProjectionMethod.Head => MetricHead.Train(set, head ?? new MetricHeadOptions(), progress),
        ProjectionMethod.Lw or ProjectionMethod.Lda => DiscriminantWhitening.Fit(set, method),
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, "Unknown projection method."),
    };

    /// <summary>
    /// Fits on a store's vectors of <paramref name="model"/>. Vectors that carry their regions (<see cref="RegionVectors"/>)
    /// are split so the head reads the regions beside the pooled vector, and the projection then takes the stored
    /// vectors as they are; others are fitted as they are.
    /// </summary>
    /// <exception cref="LookalikeException">InvalidArgument naming <c>method</c>: a linear method on vectors that carry their regions.</exception>
    public static Projection FitStored(LearningSet set, ModelId model, ProjectionMethod method, MetricHeadOptions? head = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (!RegionVectors.Carries(model)) return Fit(set, method, head, progress);
        if (method != ProjectionMethod.Head)
            throw LookalikeException.InvalidArgument("method",
                $"The store's vectors ({model}) carry their regions, which only the trained head reads; learn with --method head, or index with a model without +{RegionVectors.Suffix} for {method.ToString().ToLowerInvariant()}.");
        return RegionVectors.TakeStored(Fit(RegionVectors.Split(set), method, head, progress));
    }
}
