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
}
