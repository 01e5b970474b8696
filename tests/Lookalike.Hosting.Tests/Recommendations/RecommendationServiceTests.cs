using Lookalike.Core.Errors;
using Lookalike.Core.Evaluation;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Lookalike.Core.Search;
using Lookalike.Hosting.Recommendations;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Hosting.Tests.Recommendations;

public class RecommendationServiceTests
{
    // Two clusters of look-alikes: "top" items near e1, "shoe" items near e2; plus a cold top nobody bought.
    private static SyntheticStore ClusteredStore() => new(Enumerable.Range(0, 6).Select(i =>
        ($"top{i}.jpg", Unit(1f, 0.05f * i, 0.01f), new Dictionary<string, string> { ["type"] = "top" }))
        .Concat(Enumerable.Range(0, 6).Select(i => ($"shoe{i}.jpg", Unit(0.01f, 1f, 0.05f * i), new Dictionary<string, string> { ["type"] = "shoe" })))
        .Select(x => (x.Item1, x.Item2, (Dictionary<string, string>?)x.Item3)));

    private static readonly FakeTime Clock = new(new DateTimeOffset(2025, 1, 10, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void AddFeedback_UpdatesRecommendationsIncrementally()
    {
        using var store = ClusteredStore();
        using var query = store.OpenQuery();
        using var service = RecommendationService.Open(store.Catalog, query, store.Feedback, time: Clock);
        var ann = U("ann");
        Assert.Equal("no feedback from this user yet: try --strategy popular or hybrid",
            service.ForUser(ann, new RecommendOptions { Strategy = RecommendationStrategy.ItemKnn }).Query.Note);

        // Two people buy top0 with top1; ann buys top0 → item-kNN offers top1.
        service.AddFeedback(U("bob"), [new FeedbackInput { Kind = "purchase", Item = "top0" }, new FeedbackInput { Kind = "purchase", Item = "top1" }]);
        service.AddFeedback(U("cat"), [new FeedbackInput { Kind = "purchase", Item = "top0" }, new FeedbackInput { Kind = "purchase", Item = "top1" }]);
        var receipt = service.AddFeedback(ann, [new FeedbackInput { Kind = "purchase", Item = "top0" }]);
        Assert.Equal(1, receipt.Stored);
        var cf = service.ForUser(ann, new RecommendOptions { Strategy = RecommendationStrategy.ItemKnn, K = 3 });
        Assert.Equal("top1.jpg", cf.Results[0].Id);
        Assert.Equal("/photos/top1.jpg", cf.Results[0].Path);
        Assert.Equal("top", cf.Results[0].Metadata["type"]);

        // Visual for ann: other tops, never the one she bought.
        var visual = service.ForUser(ann, new RecommendOptions { Strategy = RecommendationStrategy.Visual, K = 5 });
        Assert.All(visual.Results, r => Assert.StartsWith("top", r.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(visual.Results, r => r.Id == "top0.jpg");

        // Filters and an unknown item.
        var shoes = service.ForUser(ann, new RecommendOptions { K = 3, Where = ItemFilter.Parse(["type=shoe"]) });
        Assert.All(shoes.Results, r => Assert.Equal("shoe", r.Metadata["type"]));
        var e = Assert.Throws<LookalikeException>(() => service.AddFeedback(ann, [new FeedbackInput { Kind = "like", Item = "hat9" }]));
        Assert.Equal(LookalikeErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public void Session_LikesAndDislikes_AndItemPage()
    {
        using var store = ClusteredStore();
        using var query = store.OpenQuery();
        using var service = RecommendationService.Open(store.Catalog, query, store.Feedback, time: Clock);
        var session = service.ForSession(["shoe1"], ["top2"], new RecommendOptions { Strategy = RecommendationStrategy.Visual, K = 4 });
        Assert.Equal("session", session.Query.Kind);
        Assert.All(session.Results, r => Assert.StartsWith("shoe", r.Id, StringComparison.Ordinal));

        // The pair picker offers two relevant items that look different (a top and a shoe), not two near-twins.
        service.AddFeedback(U("eve"), [new FeedbackInput { Kind = "purchase", Item = "top1" }, new FeedbackInput { Kind = "purchase", Item = "shoe1" }]);
        var pair = service.PairToCompare(U("eve"))!;
        Assert.Equal(2, pair.Count);
        Assert.NotEqual(pair[0].Metadata["type"], pair[1].Metadata["type"]);

        var also = service.Also("top5", 3);
        Assert.Empty(also.BoughtTogether);
        Assert.Equal("top4.jpg", also.LooksLike[0].Id);
        Assert.NotNull(also.Query.Note);
        Assert.Throws<LookalikeException>(() => service.ForSession([], [], new RecommendOptions()));
    }

    [Fact]
    public void Sync_PicksUpEventsWrittenElsewhere_AndTuneStoresWeights()
    {
        using var store = ClusteredStore();
        using var query = store.OpenQuery();
        using var service = RecommendationService.Open(store.Catalog, query, store.Feedback, time: Clock);
        // Another process writes straight to the store: 20 users, each buys a top then (later) a look-alike top.
        var events = new List<FeedbackEvent>();
        for (int u = 0; u < 20; u++)
        {
            events.Add(FeedbackEvent.Purchase(U(u), I($"top{u % 3}.jpg"), Day(u)));
            events.Add(FeedbackEvent.Purchase(U(u), I($"shoe{u % 2}.jpg"), Day(u)));
            events.Add(FeedbackEvent.Purchase(U(u), I($"top{3 + u % 3}.jpg"), Day(40 + u)));
        }
        store.Feedback.Add(events);
        Assert.Equal(60, service.Sync());
        Assert.Equal(0, service.Sync());
        var tuned = service.TuneWeights(SplitSpec.Temporal(Day(40)));
        Assert.True(tuned.Users > 0);
        Assert.Equal(tuned.Weights.ToString(), store.Feedback.LoadHybridWeights()!.ToString());
        Assert.Equal(tuned.Weights.ToString(), service.Engine.Weights.ToString());
    }
}
