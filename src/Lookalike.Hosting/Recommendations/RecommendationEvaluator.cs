using System.Diagnostics;
using Lookalike.Core.Evaluation;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Recommendations;

/// <summary>The outcome of <c>lookalike eval-recs</c>: the split, what it promises about leakage, the tuned weights and one row per strategy.</summary>
public sealed record EvaluationReport
{
    public required string Split { get; init; }
    public required bool TimeSafe { get; init; }
    public required string LeakageNote { get; init; }
    public DateTimeOffset? Cutoff { get; init; }
    public required int K { get; init; }
    public required int CatalogItems { get; init; }
    /// <summary>Events ignored because their item is not in the catalog.</summary>
    public required int EventsOutsideCatalog { get; init; }
    public required int TrainEvents { get; init; }
    public required int TestEvents { get; init; }
    public required int TestUsers { get; init; }
    public required int ColdTestUsers { get; init; }
    public required HybridWeights Weights { get; init; }
    public required TuningResult Tuning { get; init; }
    public required IReadOnlyList<StrategyScore> Rows { get; init; }
    /// <summary>Popularity's half-life, chosen on the validation windows like the hybrid's weights; null: all-time counts.</summary>
    public required TimeSpan? PopularityHalfLife { get; init; }
    /// <summary>The hybrid against every other row, paired over the same users.</summary>
    public required IReadOnlyList<StrategyComparison> Comparisons { get; init; }
    /// <summary>
    /// With a learned space: each strategy that reads the vectors (visual, visualknn, hybrid) in the learned space minus
    /// the same strategy on the raw vectors (its <c>-raw</c> row, the hybrid tuned again on raw), paired over the same users.
    /// </summary>
    public IReadOnlyList<StrategyComparison> LearnedVsRaw { get; init; } = [];
    public required double Seconds { get; init; }
}

/// <summary>
/// <see cref="Strategy"/> minus <see cref="Other"/> over the same test users, with 95% paired bootstrap intervals: a
/// claim that one beats the other needs an interval wholly above zero.
/// </summary>
public sealed record StrategyComparison(string Strategy, string Other, double HitRateDifference, BootstrapInterval HitRateInterval,
    double NdcgDifference, BootstrapInterval NdcgInterval)
{
    public static StrategyComparison Of(StrategyScore a, StrategyScore b) => new(a.Strategy, b.Strategy,
        a.HitRate - b.HitRate, BootstrapInterval.OfMeanDifference(a.UserHits, b.UserHits),
        a.Ndcg - b.Ndcg, BootstrapInterval.OfMeanDifference(a.UserNdcg, b.UserNdcg));

    /// <summary>"better", "worse" or "not told apart" on HR, by the interval.</summary>
    public string Verdict => HitRateInterval.AboveZero ? "better" : HitRateInterval.BelowZero ? "worse" : "not told apart";
}

/// <summary>
/// Offline evaluation of every strategy on one split of the stored feedback. The hybrid's weights are tuned inside the
/// training events only (validation splits of the same kind just before the test window — see
/// <see cref="SplitSpec.ValidationFolds"/>); stored weights are never used, since they may have been tuned on the test period.
/// </summary>
public static class RecommendationEvaluator
{
    /// <summary>Appended to a strategy's name for its row on the raw vectors when the evaluation learned a space.</summary>
    public const string RawSuffix = "-raw";

    /// <summary>The strategies that read the vectors, so that a learned space changes them.</summary>
    private static readonly RecommendationStrategy[] VisualStrategies = [RecommendationStrategy.Visual, RecommendationStrategy.VisualKnn, RecommendationStrategy.Hybrid];

    /// <summary>Trains one engine per fold on the fold's training events and tunes the hybrid weights on all folds' users together.</summary>
    public static TuningResult TuneOn(IReadOnlyList<FeedbackSplit> folds, IVectorIndex index, RecommenderOptions options, int k, double step, string origin,
        IProgress<string>? progress = null, DateTimeOffset? tunedAt = null, TuningObjective objective = TuningObjective.HitRate)
    {
        ArgumentNullException.ThrowIfNull(folds);
        ArgumentNullException.ThrowIfNull(index);
        var engines = new List<RecommendationEngine>();
        try
        {
            var tuningFolds = new List<TuningFold>();
            foreach (var fold in folds)
            {
                var cases = RecommenderEvaluation.Cases(fold, index.Contains, options.Signals);
                progress?.Report($"validation fold {(fold.Cutoff is { } from ? "from " + from.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "(leave-last-out)")}: {fold.Train.Count:N0} training events, {cases.Count:N0} users");
                if (cases.Count == 0) continue;
                var engine = RecommendationEngine.Build(fold.Train, index, options);
                engines.Add(engine);
                tuningFolds.Add(new TuningFold(engine, cases));
            }
            int users = tuningFolds.Sum(f => f.Cases.Count);
            return users == 0
                ? new TuningResult(HybridWeights.Default, 0, 0, 0, 0, 0) { Objective = objective }
                : HybridTuner.Tune(tuningFolds, k, step, origin: $"{origin}: bagged grid search for {TuningObjectives.Name(objective)}@{k} on {users} validation users in {tuningFolds.Count} fold(s)",
                    tunedAt: tunedAt, objective: objective);
        }
        finally
        {
            foreach (var engine in engines) engine.Dispose();
        }
    }

    /// <summary>Popularity half-lives tried on the validation windows; null is all-time counts.</summary>
    public static IReadOnlyList<TimeSpan?> PopularityHalfLives { get; } =
        [TimeSpan.FromDays(3), TimeSpan.FromDays(7), TimeSpan.FromDays(14), TimeSpan.FromDays(30), TimeSpan.FromDays(60), TimeSpan.FromDays(120), null];

    /// <summary>Name of the undecayed popularity baseline row.</summary>
    public const string AllTimePopular = "popular-alltime";

    /// <summary>
    /// The popularity half-life with the best pooled validation <paramref name="objective"/> (HR@k by default; the other metric
    /// breaks ties; the shorter half-life wins a full tie), each fold's popularity counted from that fold's training events only.
    /// </summary>
    public static TimeSpan? ChoosePopularityHalfLife(IReadOnlyList<FeedbackSplit> folds, IVectorIndex index, RecommenderOptions options, int k,
        TuningObjective objective = TuningObjective.HitRate)
    {
        ArgumentNullException.ThrowIfNull(folds);
        ArgumentNullException.ThrowIfNull(index);
        var cases = folds.Select(f => (Fold: f, Cases: RecommenderEvaluation.Cases(f, index.Contains, options.Signals))).Where(f => f.Cases.Count > 0).ToList();
        if (cases.Count == 0) return options.PopularityHalfLife;
        TimeSpan? best = options.PopularityHalfLife;
        (double Ndcg, double Hr) bestScore = (double.NegativeInfinity, 0);
        foreach (var halfLife in PopularityHalfLives)
        {
            double ndcg = 0, hr = 0;
            foreach (var (fold, foldCases) in cases)
            {
                var popular = new PopularityRecommender(halfLife, options.Signals);
                popular.Add(fold.Train);
                var score = RecommenderEvaluation.Evaluate("popular", popular.Recommend, foldCases, k, index.Count);
                ndcg += score.Ndcg * score.Users;
                hr += score.HitRate * score.Users;
            }
            if (TuningObjectives.Beats(objective, ndcg, hr, bestScore.Ndcg, bestScore.Hr))
            {
                best = halfLife;
                bestScore = (ndcg, hr);
            }
        }
        return best;
    }

    /// <summary>Each source alone on the validation users: "name HR/nDCG, …".</summary>
    private static string Alone(TuningResult tuning) => string.Join(", ", tuning.SourceHitRate.Select(s =>
        FormattableString.Invariant($"{s.Key} {s.Value:0.0000}/{tuning.SourceNdcg.GetValueOrDefault(s.Key):0.0000}")));

    /// <param name="learnFromTraining">When given, builds the index every strategy uses from the split's training events
    /// (e.g. a feedback-learned projection), so that learning never sees the test period.</param>
    public static EvaluationReport Run(IVectorIndex index, IFeedbackStore feedback, SplitSpec split, int k, RecommenderOptions? options = null,
        IProgress<string>? progress = null, double tuningStep = 0.1, int validationFolds = 3, Func<IReadOnlyList<FeedbackEvent>, IVectorIndex>? learnFromTraining = null,
        TuningObjective objective = TuningObjective.HitRate)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(feedback);
        ArgumentNullException.ThrowIfNull(split);
        options ??= new RecommenderOptions();
        var started = Stopwatch.GetTimestamp();
        var all = feedback.Read().ToList();
        var events = all.Where(e => index.Contains(e.Item)).ToList();
        var applied = split.Apply(events);
        var cases = RecommenderEvaluation.Cases(applied, index.Contains, options.Signals);
        progress?.Report($"split {split}: {applied.Train.Count:N0} training events, {applied.Test.Count:N0} test events, {cases.Count:N0} test users");
        var rawIndex = index;
        using var learned = learnFromTraining?.Invoke(applied.Train);
        if (learned is not null) index = learned;

        var folds = split.ValidationFolds(applied, events, validationFolds);
        var halfLife = ChoosePopularityHalfLife(folds, index, options, k, objective);
        options = options with { PopularityHalfLife = halfLife };
        progress?.Report($"popularity half-life {(halfLife is { } h ? $"{h.TotalDays:0} days" : "none (all-time counts)")}, chosen on the validation windows");
        string origin = applied.Cutoff is { } before ? $"tuned before {before:yyyy-MM-dd}" : "tuned on leave-last-out folds of the training events";
        var tuning = TuneOn(folds, index, options, k, tuningStep, origin, progress, objective: objective);
        progress?.Report($"weights {tuning.Weights} (validation nDCG@{k} {tuning.Ndcg:0.0000}, HR@{k} {tuning.HitRate:0.0000}, {tuning.Users} users; alone: {Alone(tuning)})");

        using var engine = RecommendationEngine.Build(applied.Train, index, options, tuning.Weights);
        var rows = new List<StrategyScore>();
        foreach (var strategy in RecommendationStrategies.All)
        {
            progress?.Report($"evaluating {RecommendationStrategies.Name(strategy)}");
            rows.Add(RecommenderEvaluation.Evaluate(RecommendationStrategies.Name(strategy), r => engine.Recommend(strategy, r), cases, k, index.Count));
        }
        // The baseline a reader would try first: all-time bestsellers, no decay.
        var allTime = new PopularityRecommender(null, options.Signals);
        allTime.Add(applied.Train);
        rows.Add(RecommenderEvaluation.Evaluate(AllTimePopular, allTime.Recommend, cases, k, index.Count));
        var hybrid = rows.Single(r => r.Strategy == RecommendationStrategies.Name(RecommendationStrategy.Hybrid));
        var comparisons = rows.Where(r => r != hybrid).Select(r => StrategyComparison.Of(hybrid, r)).ToList();
        var learnedVsRaw = new List<StrategyComparison>();
        if (learned is not null)
        {
            // The same users through the raw vectors, the hybrid tuned again there: a paired answer to "did learning help?".
            var rawTuning = TuneOn(folds, rawIndex, options, k, tuningStep, origin, progress, objective: objective);
            progress?.Report($"raw weights {rawTuning.Weights} (validation nDCG@{k} {rawTuning.Ndcg:0.0000}, HR@{k} {rawTuning.HitRate:0.0000}; alone: {Alone(rawTuning)})");
            using var rawEngine = RecommendationEngine.Build(applied.Train, rawIndex, options, rawTuning.Weights);
            foreach (var strategy in VisualStrategies)
            {
                string name = RecommendationStrategies.Name(strategy);
                progress?.Report($"evaluating {name} on the raw vectors");
                var raw = RecommenderEvaluation.Evaluate(name + RawSuffix, r => rawEngine.Recommend(strategy, r), cases, k, rawIndex.Count);
                rows.Add(raw);
                learnedVsRaw.Add(StrategyComparison.Of(rows.Single(r => r.Strategy == name), raw));
            }
        }
        return new EvaluationReport
        {
            Split = applied.Cutoff is { } c && split.Cutoff is null ? $"{split} (cutoff {c:yyyy-MM-dd})" : split.ToString(),
            TimeSafe = split.IsTemporal,
            LeakageNote = split.LeakageNote,
            Cutoff = applied.Cutoff,
            K = k,
            CatalogItems = index.Count,
            EventsOutsideCatalog = all.Count - events.Count,
            TrainEvents = applied.Train.Count,
            TestEvents = applied.Test.Count,
            TestUsers = cases.Count,
            ColdTestUsers = cases.Count(c => c.ColdRelevant.Count > 0),
            Weights = tuning.Weights,
            Tuning = tuning,
            Rows = rows,
            PopularityHalfLife = halfLife,
            Comparisons = comparisons,
            LearnedVsRaw = learnedVsRaw,
            Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds,
        };
    }
}
