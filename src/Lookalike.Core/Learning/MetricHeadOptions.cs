namespace Lookalike.Core.Learning;

/// <summary>Training settings of <see cref="MetricHead"/> (docs/parameters.md, "learn").</summary>
public sealed record MetricHeadOptions
{
    /// <summary>Hidden units of the two-layer head (default 1024: +15.6% vs +16.3% for 2048 at half the cost, docs/evaluation.md "Learned").</summary>
    public int Hidden { get; init; } = 1024;

    /// <summary>
    /// Passes over the training rows (classes) or pairs; null: <see cref="DefaultEpochs"/>, or
    /// <see cref="DefaultEpochsWithReadout"/> when the head also reads each photo's regions (<see cref="EpochsFor"/>).
    /// </summary>
    public int? Epochs { get; init; }

    /// <summary>Passes of a head that reads the vector only: more overfits the learning items.</summary>
    public const int DefaultEpochs = 10;

    /// <summary>Passes of a head that reads the regions too: its wider first layer gains ~1 point of held-out mAP@10 from 10 to 20, nothing from 20 to 30 (docs/evaluation.md, round 7).</summary>
    public const int DefaultEpochsWithReadout = 20;

    /// <summary>The passes over <paramref name="set"/>: <see cref="Epochs"/> when given, else the default for what the head reads.</summary>
    public int EpochsFor(LearningSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Epochs ?? (set.Readout is null ? DefaultEpochs : DefaultEpochsWithReadout);
    }

    /// <summary>Rows (classes) or pairs per step (default 128).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam step size of the head's weights; the class proxies use 10× (default 1e-3).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Softmax temperature over cosines (default 0.1, i.e. scale 10).</summary>
    public float Temperature { get; init; } = 0.1f;

    /// <summary>Decoupled weight decay per step, as a fraction of the step size (default 1e-4).</summary>
    public float WeightDecay { get; init; } = 1e-4f;

    /// <summary>Share of input values zeroed (and the rest scaled up) at each training step: augmentation against overfitting (default 0).</summary>
    public float InputDropout { get; init; }

    /// <summary>
    /// Labels only: weight λ of the term that keeps each pair of training items at its raw cosine,
    /// <c>λ·mean (y_i·y_j − x_i·x_j)²</c> over the pairs of a batch; 0 turns it off (default 3).
    /// </summary>
    public float KeepGeometry { get; init; } = 3f;

    /// <summary>Seeds the initial weights and the order of the rows (default 1).</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// How much of the learned correction the query applies: <c>y = normalise(x + Step·head(x))</c>, in (0, 1]; null:
    /// <see cref="DefaultStepFromClasses"/> from labels, <see cref="DefaultStepFromPairs"/> from feedback. A full step
    /// pulls every photo toward the classes the head learned, which costs categories it never saw; with
    /// <see cref="KeepGeometry"/> holding the raw cosines, 0.75 keeps them within 2% of raw (docs/evaluation.md, "Learned", round 2).
    /// </summary>
    public float? Step { get; init; }

    /// <summary>The step from labels (with <see cref="KeepGeometry"/> on).</summary>
    public const float DefaultStepFromClasses = 0.75f;

    /// <summary>The step from feedback pairs.</summary>
    public const float DefaultStepFromPairs = 0.5f;

    /// <summary>Stops early after this many seconds (0: no limit).</summary>
    public double TimeLimitSeconds { get; init; }
}
