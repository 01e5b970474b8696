using Lookalike.Core.Learning;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Learning;

/// <summary>What <see cref="StoreLearning.Learn"/> learns from and how.</summary>
public sealed record LearnRequest
{
    /// <summary>Learn from this label column; null: learn from feedback.</summary>
    public string? LabelColumn { get; init; }

    /// <summary>Only the items it selects learn.</summary>
    public ItemFilter Filter { get; init; } = ItemFilter.None;

    /// <summary>Feedback only: events strictly before this instant.</summary>
    public DateTimeOffset? Before { get; init; }

    public ProjectionMethod Method { get; init; } = ProjectionLearner.DefaultMethod;

    public MetricHeadOptions Head { get; init; } = new();

    /// <summary>Labels only: extra views of each learning item's photo, embedded and learned as more rows of its class.</summary>
    public TrainingViews Augment { get; init; }

    /// <summary>Feedback only: which choices pair as positives.</summary>
    public FeedbackPairing Pairing { get; init; } = FeedbackPairing.Default;
}
