using Lookalike.Core.Catalog;
using Lookalike.Core.Evaluation;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Lookalike.Core.Search;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Core.Tests.Evaluation;

public class SplitAndEvaluationTests
{
    [Fact]
    public void Temporal_EveryTrainEventIsOlderThanEveryTestEvent()
    {
        var random = new Random(61);
        var events = Enumerable.Range(0, 500).Select(_ => Buy(random.Next(0, 30), random.Next(0, 50), random.Next(0, 100) + random.NextDouble())).ToList();
        var split = SplitSpec.Parse("temporal:2024-03-01").Apply(events);
        Assert.True(split.Train.Max(e => e.Time) < split.Test.Min(e => e.Time));
        Assert.Equal(events.Count, split.Train.Count + split.Test.Count);
        Assert.All(split.Now.Values, now => Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), now));

        var auto = SplitSpec.Temporal().Apply(events);
        Assert.InRange(auto.Test.Count, 45, 55); // the newest 10%
        Assert.True(auto.Train.Max(e => e.Time) < auto.Test.Min(e => e.Time));
        Assert.True(SplitSpec.Temporal().IsTemporal);
    }

    [Fact]
    public void Validation_OfTemporalSplit_UsesOnlyTrainingEvents()
    {
        var events = Enumerable.Range(0, 100).Select(d => Buy(d % 7, d % 13, d)).ToList();
        var spec = SplitSpec.Parse("temporal:2024-03-01"); // day 60
        var split = spec.Apply(events);
        var validation = spec.ValidationOf(split, events);
        // The test window runs from day 60 to the last event (day 99): 39 days; validation takes the 39 days before it.
        Assert.Equal(Day(60 - 39), validation.Cutoff);
        Assert.All(validation.Test, e => Assert.True(e.Time < split.Cutoff));
    }

    [Fact]
    public void LeaveLastOut_HoldsOutEachUsersLastDay()
    {
        var events = new[] { Buy(1, 1, 0), Buy(1, 2, 5), Buy(1, 3, 5), Buy(2, 4, 3), Buy(3, 5, 1), Buy(3, 6, 2) };
        var split = SplitSpec.Parse("leave-last-out").Apply(events);
        Assert.Equal([I(2), I(3), I(6)], split.Test.Select(e => e.Item).Order(ItemId.Ordinal));
        Assert.Contains(split.Train, e => e.Item == I(4)); // a one-day user stays in training
        Assert.Equal(Day(5), split.Now[U(1)]);
        Assert.False(SplitSpec.LeaveLastOut.IsTemporal);
        Assert.Contains("leak", SplitSpec.LeaveLastOut.LeakageNote, StringComparison.Ordinal);
    }

    [Fact]
    public void Cases_RelevantExcludesSeen_ColdIsUnknownToTraining()
    {
        var events = new[] { Buy(1, 1, 0), Buy(2, 2, 0), Buy(1, 1, 10), Buy(1, 2, 10), Buy(1, 3, 10), Buy(3, 4, 10) };
        var split = SplitSpec.Temporal(Day(5)).Apply(events);
        var cases = RecommenderEvaluation.Cases(split, _ => true);
        var c = Assert.Single(cases); // user 3 has no training history
        Assert.Equal(U(1), c.User);
        Assert.Equal(new HashSet<ItemId> { I(2), I(3) }, c.Relevant); // item 1 was already bought in training
        Assert.Equal(new HashSet<ItemId> { I(3) }, c.ColdRelevant);
    }

    [Fact]
    public void Evaluate_Popularity_ScoresHitsAndZeroOnColdItems()
    {
        // Training: everyone buys item 1, even users item 2, odd users item 3. Test: even users buy item 9 (cold), odd users item 2.
        var events = new List<FeedbackEvent>();
        for (int u = 0; u < 10; u++) events.Add(Buy(u, 1, 0));
        for (int u = 0; u < 10; u++) events.Add(Buy(u, 2 + u % 2, 1));
        for (int u = 0; u < 10; u++) events.Add(Buy(u, u % 2 == 0 ? 9 : 2, 10));
        var split = SplitSpec.Temporal(Day(5)).Apply(events);
        var cases = RecommenderEvaluation.Cases(split, _ => true);
        var popular = new PopularityRecommender();
        popular.Add(split.Train);
        var score = RecommenderEvaluation.Evaluate("popular", popular.Recommend, cases, 2, catalogSize: 10);
        // Even users are offered [3] (1 and 2 seen) and miss; odd users are offered [2] and hit.
        Assert.Equal(10, score.Users);
        Assert.Equal(0.5, score.HitRate, 12);
        Assert.Equal(0.5, score.Ndcg, 12);
        Assert.Equal(5, score.ColdUsers);
        Assert.Equal(0, score.ColdHitRate);
        Assert.Equal(0.2, score.Coverage, 12);
    }

    [Fact]
    public void Tuner_FindsTheSourceThatPredicts()
    {
        // Users who bought a "red" item go on to buy its unsold look-alike: visual predicts it, CF and popularity cannot.
        var catalog = new List<(ItemId, float[])>();
        var random = new Random(71);
        for (int i = 0; i < 40; i++) catalog.Add((I(i), RandomUnit(random, 8)));
        var events = new List<FeedbackEvent>();
        for (int u = 0; u < 30; u++)
        {
            int seed = u % 20;
            events.Add(Buy(u, seed, 0));
            events.Add(Buy(u, (seed + 7) % 20, 0));
            // The test purchase: the nearest unsold (20..39) neighbour of the seed item.
            var nearest = catalog.Skip(20).OrderByDescending(c => Dot(c.Item2, catalog[seed].Item2)).First().Item1;
            events.Add(FeedbackEvent.Purchase(U(u), nearest, Day(10)));
        }
        using var index = Index(catalog);
        var split = SplitSpec.Temporal(Day(5)).Apply(events);
        var cases = RecommenderEvaluation.Cases(split, _ => true);
        using var engine = RecommendationEngine.Build(split.Train, index, new RecommenderOptions { Visual = new VisualProfileOptions { HalfLife = null } });
        var result = HybridTuner.Tune(engine, cases, 10, step: 0.25, resamples: 20);
        Assert.True(result.Weights.Visual + result.Weights.VisualKnn > 0.5, $"tuned {result.Weights}");
        Assert.Equal(70, result.Combinations); // 5 sources, steps of 1/4: C(4 + 4, 4)
        Assert.True(result.HitRate > 0.5, $"validation HR {result.HitRate}");
        Assert.Equal(5, result.SourceHitRate.Count);
        Assert.All(result.SourceHitRate, s => Assert.True(result.HitRate >= s.Value, $"{s.Key} alone {s.Value} beats the hybrid's HR {result.HitRate}"));
    }

    [Theory]
    [InlineData(73, TuningObjective.Ndcg)]
    [InlineData(74, TuningObjective.Ndcg)]
    [InlineData(75, TuningObjective.Ndcg)]
    [InlineData(76, TuningObjective.Ndcg)]
    [InlineData(77, TuningObjective.Ndcg)]
    [InlineData(78, TuningObjective.Ndcg)]
    [InlineData(73, TuningObjective.HitRate)]
    [InlineData(74, TuningObjective.HitRate)]
    [InlineData(75, TuningObjective.HitRate)]
    [InlineData(76, TuningObjective.HitRate)]
    [InlineData(77, TuningObjective.HitRate)]
    [InlineData(78, TuningObjective.HitRate)]
    public void Tuner_IsNeverBelowAnySourceAloneOnItsValidationUsers(int seed, TuningObjective objective)
    {
        // On seeds 74 and 76 the bagged weights score below popularity alone on nDCG (so this fails without the fallback).
        using var bestsellers = new BestsellerCase(seed);
        var result = HybridTuner.Tune(bestsellers.Engine, bestsellers.Cases, 1, step: 0.25, resamples: 20, objective: objective);
        Assert.Equal(objective, result.Objective);
        Assert.Equal(5, result.SourceNdcg.Count);
        Assert.Equal(5, result.SourceHitRate.Count);
        foreach (var source in result.SourceNdcg.Keys)
        {
            Assert.False(TuningObjectives.Beats(objective, result.SourceNdcg[source], result.SourceHitRate[source], result.Ndcg, result.HitRate),
                $"{source} alone (nDCG {result.SourceNdcg[source]}, HR {result.SourceHitRate[source]}) beats the hybrid's (nDCG {result.Ndcg}, HR {result.HitRate}) on {objective} ({result.Weights.Origin})");
        }
    }

    [Theory]
    [InlineData(73)]
    [InlineData(75)]
    [InlineData(77)]
    public void Tuner_MaximisesItsObjective_AndIsDeterministic(int seed)
    {
        // Without resampling the tuner is a plain arg-max over the grid, so each objective's pick is at least as good as the
        // other's on that objective: tuning for HR never gives a lower validation HR than tuning for nDCG.
        using var bestsellers = new BestsellerCase(seed);
        var forHr = HybridTuner.Tune(bestsellers.Engine, bestsellers.Cases, 10, step: 0.25, resamples: 0, objective: TuningObjective.HitRate);
        var forNdcg = HybridTuner.Tune(bestsellers.Engine, bestsellers.Cases, 10, step: 0.25, resamples: 0, objective: TuningObjective.Ndcg);
        Assert.True(forHr.HitRate >= forNdcg.HitRate, $"tuned for HR: HR {forHr.HitRate} ({forHr.Weights}); tuned for nDCG: HR {forNdcg.HitRate} ({forNdcg.Weights})");
        Assert.True(forNdcg.Ndcg >= forHr.Ndcg, $"tuned for nDCG: nDCG {forNdcg.Ndcg}; tuned for HR: nDCG {forHr.Ndcg}");

        // Bagged: the same inputs give the same weights, bit for bit.
        var once = HybridTuner.Tune(bestsellers.Engine, bestsellers.Cases, 10, step: 0.25, resamples: 20);
        var again = HybridTuner.Tune(bestsellers.Engine, bestsellers.Cases, 10, step: 0.25, resamples: 20);
        Assert.Equal(once.Weights.ToString(), again.Weights.ToString());
        Assert.Equal(once.HitRate, again.HitRate);
        Assert.Equal(once.Ndcg, again.Ndcg);
        Assert.Equal(TuningObjective.HitRate, once.Objective); // the default: the metric the targets are stated in
    }

    [Fact]
    public void Tuner_ForHitRate_FillsTheSlotsWhereNdcgPrefersOneTopHit()
    {
        // 40 users go on to buy a bestseller from ranks 6–10 of the popularity list (a hit for popularity, low in its list);
        // 20 go on to buy the nearest look-alike of what they bought (rank 1 of the visual lists). nDCG@10 prefers the
        // visual corner (20 hits at rank 1), HR@10 the popular one (40 hits anywhere in the ten): a tuner that ignored its
        // objective would give both the same weights.
        var random = new Random(79);
        var catalog = Enumerable.Range(0, 80).Select(i => (I(i), RandomUnit(random, 8))).ToList();
        var events = new List<FeedbackEvent>();
        for (int p = 0; p < 10; p++)
        {
            for (int n = 0; n < 10 * (10 - p); n++) events.Add(Buy(5000 + p * 100 + n, 70 + p, 1)); // item 70 sells 100, … item 79 sells 10
        }
        for (int u = 0; u < 40; u++)
        {
            events.Add(Buy(u, 10 + u, 2));
            events.Add(Buy(u, 75 + u % 5, 10));
        }
        for (int u = 40; u < 60; u++)
        {
            int seen = u - 40;
            events.Add(Buy(u, seen, 2));
            // Its nearest look-alike that is no bestseller (so popularity cannot hit it).
            int nearest = Enumerable.Range(0, 70).Where(i => i != seen).MaxBy(i => Dot(catalog[i].Item2, catalog[seen].Item2));
            events.Add(Buy(u, nearest, 10));
        }
        using var index = Index(catalog);
        var split = SplitSpec.Temporal(Day(5)).Apply(events);
        var cases = RecommenderEvaluation.Cases(split, _ => true);
        Assert.Equal(60, cases.Count);
        using var engine = RecommendationEngine.Build(split.Train, index, new RecommenderOptions { PopularityHalfLife = null });
        var forHr = HybridTuner.Tune(engine, cases, 10, step: 0.25, resamples: 0, objective: TuningObjective.HitRate);
        var forNdcg = HybridTuner.Tune(engine, cases, 10, step: 0.25, resamples: 0, objective: TuningObjective.Ndcg);
        Assert.True(forHr.HitRate > forNdcg.HitRate, $"tuned for HR: HR {forHr.HitRate} ({forHr.Weights}); tuned for nDCG: HR {forNdcg.HitRate} ({forNdcg.Weights})");
        Assert.True(forNdcg.Ndcg > forHr.Ndcg, $"tuned for nDCG: nDCG {forNdcg.Ndcg}; tuned for HR: nDCG {forHr.Ndcg}");
        Assert.True(forHr.Weights.Popular > forNdcg.Weights.Popular, $"{forHr.Weights} vs {forNdcg.Weights}");
    }

    [Theory]
    [InlineData("hr", TuningObjective.HitRate)]
    [InlineData("NDCG", TuningObjective.Ndcg)]
    public void TuningObjective_Parses(string text, TuningObjective expected) => Assert.Equal(expected, TuningObjectives.Parse(text, "--tune-for"));

    [Fact]
    public void TuningObjective_Unknown_IsAClearError()
    {
        var error = Assert.Throws<Errors.LookalikeException>(() => TuningObjectives.Parse("map", "--tune-for"));
        Assert.Contains("'map'", error.Message);
        Assert.Equal("--tune-for", error.Subject);
    }

    /// <summary>Bestsellers (items 50..52) and a few random purchases: popularity predicts most of it, the other sources a little.</summary>
    private sealed class BestsellerCase : IDisposable
    {
        private readonly ExactVectorIndex _index;

        public BestsellerCase(int seed)
        {
            var random = new Random(seed);
            var catalog = Enumerable.Range(0, 60).Select(i => (I(i), RandomUnit(random, 8))).ToList();
            var events = new List<FeedbackEvent>();
            for (int u = 0; u < 200; u++) events.Add(Buy(u, 50 + random.Next(0, 3), random.Next(0, 4)));
            for (int u = 0; u < 40; u++)
            {
                for (int j = 0; j < 3; j++) events.Add(Buy(1000 + u, random.Next(0, 40), 2));
                events.Add(Buy(1000 + u, random.Next(0, 4) == 0 ? random.Next(0, 60) : 50 + random.Next(0, 3), 10));
            }
            _index = Index(catalog);
            var split = SplitSpec.Temporal(Day(5)).Apply(events);
            Cases = RecommenderEvaluation.Cases(split, _ => true);
            Engine = RecommendationEngine.Build(split.Train, _index, new RecommenderOptions());
        }

        public RecommendationEngine Engine { get; }

        public IReadOnlyList<EvaluationCase> Cases { get; }

        public void Dispose()
        {
            Engine.Dispose();
            _index.Dispose();
        }
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
