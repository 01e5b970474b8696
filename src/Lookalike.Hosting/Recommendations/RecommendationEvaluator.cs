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
    public required double Seconds { get; init; }
}

/// <summary>
/// Offline evaluation of every strategy on one split of the stored feedback. The hybrid's weights are tuned inside the
/// training events only (validation splits of the same kind just before the test window — see
/// <see cref="SplitSpec.ValidationFolds"/>); stored weights are never used, since they may have been tuned on the test period.
/// </summary>
public static class RecommendationEvaluator
{
    /// <summary>Trains one engine per fold on the fold's training events and tunes the hybrid weights on all folds' users together.</summary>
    public static TuningResult TuneOn(IReadOnlyList<FeedbackSplit> folds, IVectorIndex index, RecommenderOptions options, int k, double step, string origin,
        IProgress<string>? progress = null, DateTimeOffset? tunedAt = null)
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
                ? new TuningResult(HybridWeights.Default, 0, 0, 0, 0, 0)
                : HybridTuner.Tune(tuningFolds, k, step, origin: $"{origin}: bagged grid search on {users} validation users in {tuningFolds.Count} fold(s)", tunedAt: tunedAt);
        }
        finally
        {
            foreach (var engine in engines) engine.Dispose();
        }
    }

    /// <param name="learnFromTraining">When given, builds the index every strategy uses from the split's training events
    /// (e.g. a feedback-learned projection), so that learning never sees the test period.</param>
    public static EvaluationReport Run(IVectorIndex index, IFeedbackStore feedback, SplitSpec split, int k, RecommenderOptions? options = null,
        IProgress<string>? progress = null, double tuningStep = 0.1, int validationFolds = 3, Func<IReadOnlyList<FeedbackEvent>, IVectorIndex>? learnFromTraining = null)
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
        using var learned = learnFromTraining?.Invoke(applied.Train);
        if (learned is not null) index = learned;

        var folds = split.ValidationFolds(applied, events, validationFolds);
        string origin = applied.Cutoff is { } before ? $"tuned before {before:yyyy-MM-dd}" : "tuned on leave-last-out folds of the training events";
        var tuning = TuneOn(folds, index, options, k, tuningStep, origin, progress);
        progress?.Report($"weights {tuning.Weights} (validation nDCG@{k} {tuning.Ndcg:0.0000}, HR@{k} {tuning.HitRate:0.0000}, {tuning.Users} users)");

        using var engine = RecommendationEngine.Build(applied.Train, index, options, tuning.Weights);
        var rows = new List<StrategyScore>();
        foreach (var strategy in RecommendationStrategies.All)
        {
            progress?.Report($"evaluating {RecommendationStrategies.Name(strategy)}");
            rows.Add(RecommenderEvaluation.Evaluate(RecommendationStrategies.Name(strategy), r => engine.Recommend(strategy, r), cases, k, index.Count));
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
            Seconds = Stopwatch.GetElapsedTime(started).TotalSeconds,
        };
    }
}
