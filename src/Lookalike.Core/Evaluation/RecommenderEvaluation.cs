using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;

namespace Lookalike.Core.Evaluation;

/// <summary>
/// One test user: their training history, the items they went on to buy or like that they had not touched in training
/// (<see cref="Relevant"/>), and the subset nobody touched in training (<see cref="ColdRelevant"/>: items pure CF cannot know).
/// </summary>
public sealed record EvaluationCase(UserId User, UserHistory History, DateTimeOffset Now, IReadOnlySet<ItemId> Relevant, IReadOnlySet<ItemId> ColdRelevant);

/// <summary>One strategy's scores over the test users.</summary>
public sealed record StrategyScore
{
    public required string Strategy { get; init; }
    public required int K { get; init; }
    /// <summary>Test users scored (users with training history and at least one relevant test item).</summary>
    public required int Users { get; init; }
    public required double HitRate { get; init; }
    /// <summary>95% bootstrap interval of <see cref="HitRate"/> over the users.</summary>
    public required BootstrapInterval HitRateInterval { get; init; }
    /// <summary>Each user's hit (1 or 0), in case order: paired comparisons between strategies.</summary>
    public required IReadOnlyList<double> UserHits { get; init; }
    public required double Precision { get; init; }
    public required double Recall { get; init; }
    public required double Map { get; init; }
    public required double Ndcg { get; init; }
    /// <summary>95% bootstrap interval of <see cref="Ndcg"/> over the users.</summary>
    public required BootstrapInterval NdcgInterval { get; init; }
    /// <summary>Each user's nDCG, in case order.</summary>
    public required IReadOnlyList<double> UserNdcg { get; init; }
    public required double Mrr { get; init; }
    /// <summary>Distinct items recommended to anyone (top k), over the catalog size.</summary>
    public required double Coverage { get; init; }
    /// <summary>Test users with at least one cold relevant item.</summary>
    public required int ColdUsers { get; init; }
    /// <summary>HR@k counting only cold relevant items, over <see cref="ColdUsers"/>.</summary>
    public required double ColdHitRate { get; init; }
    public required double ColdRecall { get; init; }
    public required double ColdNdcg { get; init; }
    /// <summary>Mean milliseconds per user.</summary>
    public required double MillisecondsPerUser { get; init; }
}

/// <summary>Offline evaluation of recommenders on a split of the feedback history.</summary>
public static class RecommenderEvaluation
{
    /// <summary>
    /// The test cases of a split: users with at least <paramref name="minTrainItems"/> items in training and at least one
    /// relevant test item. Relevant = positive-signal test events on catalog items not seen by the user in training
    /// (recommenders exclude seen items, so re-purchases are a different task); cold = not touched by anyone in training.
    /// </summary>
    public static List<EvaluationCase> Cases(FeedbackSplit split, Func<ItemId, bool> inCatalog, SignalWeights? weights = null, int minTrainItems = 1)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(inCatalog);
        weights ??= SignalWeights.Default;
        var trainItems = split.Train.Select(e => e.Item).Concat(split.Train.Where(e => e.Other is not null).Select(e => e.Other!.Value)).ToHashSet();
        var trainByUser = split.Train.GroupBy(e => e.User).ToDictionary(g => g.Key, g => g.ToList());
        var cases = new List<EvaluationCase>();
        foreach (var group in split.Test.GroupBy(e => e.User).OrderBy(g => g.Key.Value, StringComparer.Ordinal))
        {
            if (!trainByUser.TryGetValue(group.Key, out var train)) continue;
            var history = UserHistory.From(train, weights, group.Key);
            if (history.Items.Count < minTrainItems) continue;
            var relevant = group.Where(e => weights.Of(e) > 0 && inCatalog(e.Item) && !history.Seen.Contains(e.Item)).Select(e => e.Item).ToHashSet();
            if (relevant.Count == 0) continue;
            var cold = relevant.Where(i => !trainItems.Contains(i)).ToHashSet();
            cases.Add(new EvaluationCase(group.Key, history, split.Now[group.Key], relevant, cold));
        }
        return cases;
    }

    /// <summary>Scores one recommender on the cases; <paramref name="recommend"/> gets one request per case (Count = k).</summary>
    public static StrategyScore Evaluate(string name, Func<RecommendationRequest, IReadOnlyList<Candidate>> recommend, IReadOnlyList<EvaluationCase> cases, int k, int catalogSize)
    {
        ArgumentNullException.ThrowIfNull(recommend);
        ArgumentNullException.ThrowIfNull(cases);
        var all = new RankingMetricsAccumulator(k);
        var cold = new RankingMetricsAccumulator(k);
        var recommended = new HashSet<ItemId>();
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var c in cases)
        {
            var ranked = recommend(new RecommendationRequest { History = c.History, Count = k, Now = c.Now }).Select(x => x.Item).Take(k).ToList();
            recommended.UnionWith(ranked);
            all.Add(ranked, c.Relevant);
            if (c.ColdRelevant.Count > 0) cold.Add(ranked, c.ColdRelevant);
        }
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        return new StrategyScore
        {
            Strategy = name,
            K = k,
            Users = all.Queries,
            HitRate = all.HitRate,
            HitRateInterval = BootstrapInterval.OfMean(all.Hits),
            UserHits = all.Hits,
            Precision = all.Precision,
            Recall = all.Recall,
            Map = all.MeanAveragePrecision,
            Ndcg = all.Ndcg,
            NdcgInterval = BootstrapInterval.OfMean(all.NdcgValues),
            UserNdcg = all.NdcgValues,
            Mrr = all.MeanReciprocalRank,
            Coverage = catalogSize == 0 ? 0 : recommended.Count / (double)catalogSize,
            ColdUsers = cold.Queries,
            ColdHitRate = cold.HitRate,
            ColdRecall = cold.Recall,
            ColdNdcg = cold.Ndcg,
            MillisecondsPerUser = cases.Count == 0 ? 0 : elapsed.TotalMilliseconds / cases.Count,
        };
    }
}
