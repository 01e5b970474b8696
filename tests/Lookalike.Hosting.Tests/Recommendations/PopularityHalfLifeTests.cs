using Lookalike.Core.Evaluation;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Lookalike.Hosting.Recommendations;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Hosting.Tests.Recommendations;

public sealed class PopularityHalfLifeTests
{
    [Fact]
    public void ChoosePopularityHalfLife_TrendsThatTurnOver_PicksAShortOne_SeenOnlyInTraining()
    {
        // Items 0–4 sold heavily in the first 40 days and then stopped; from then on a new hot item every 5 days.
        var random = new Random(5);
        var events = new List<FeedbackEvent>();
        for (int day = 0; day < 120; day++)
        {
            if (day <= 40)
                for (int i = 0; i < 20; i++) events.Add(Buy(random.Next(200), i % 5, day + random.NextDouble()));
            else
                for (int i = 0; i < 5; i++) events.Add(Buy(random.Next(200), 100 + day / 5, day + random.NextDouble()));
        }
        var items = events.Select(e => e.Item).Distinct().ToList();
        using var index = Index(items.Select(id => (id, RandomUnit(random, 8))));
        var spec = SplitSpec.Parse("temporal:" + Day(100).ToString("yyyy-MM-dd"));
        var split = spec.Apply(events);
        var folds = spec.ValidationFolds(split, events, 3);
        Assert.All(folds, f => Assert.True(f.Train.Concat(f.Test).Max(e => e.Time) < split.Cutoff));

        var chosen = RecommendationEvaluator.ChoosePopularityHalfLife(folds, index, new RecommenderOptions(), 10);
        Assert.NotNull(chosen);
        Assert.True(chosen <= TimeSpan.FromDays(14), $"chose {chosen}");
    }
}
