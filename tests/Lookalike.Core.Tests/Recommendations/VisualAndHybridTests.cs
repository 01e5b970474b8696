using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Core.Tests.Recommendations;

public class VisualAndHybridTests
{
    // A 3-d catalog: "red" items near x, "blue" near y, "green" near z.
    private static readonly (ItemId Id, float[] Vector)[] Catalog =
    [
        (I("red1.jpg"), Unit(1f, 0.1f, 0)), (I("red2.jpg"), Unit(1f, 0.2f, 0.05f)), (I("red3.jpg"), Unit(0.9f, 0, 0.2f)),
        (I("blue1.jpg"), Unit(0.1f, 1f, 0)), (I("blue2.jpg"), Unit(0, 1f, 0.15f)),
        (I("green1.jpg"), Unit(0, 0.1f, 1f)), (I("green2.jpg"), Unit(0.1f, 0, 1f)), (I("green3.jpg"), Unit(0.15f, 0.15f, 1f)),
        (I("green4.jpg"), Unit(0.2f, 0.1f, 1f)), (I("green5.jpg"), Unit(0.1f, 0.25f, 1f)),
    ];

    [Fact]
    public void Rocchio_PositiveNegativeAndPreference_PointsAsConstructed()
    {
        // Liked x, disliked y: 2·x − 1·y = (2, −1, 0), normalised.
        var vectors = new Dictionary<ItemId, float[]>
        {
            [I("x")] = [1, 0, 0], [I("y")] = [0, 1, 0], [I("z")] = [0, 0, 1],
        };
        var user = U("ann");
        var history = UserHistory.From(
        [
            FeedbackEvent.Like(user, I("x"), Day(0)),
            FeedbackEvent.Dislike(user, I("y"), Day(0)),
        ]);
        var profile = RocchioProfile.Build(history, id => vectors.GetValueOrDefault(id), 3, new VisualProfileOptions { HalfLife = null }, Day(1))!;
        Assert.Equal([2 / Math.Sqrt(5), -1 / Math.Sqrt(5), 0], profile.Select(v => (double)v), new Tolerance(1e-6));

        var withPreference = UserHistory.From(
        [
            FeedbackEvent.Like(user, I("x"), Day(0)),
            FeedbackEvent.Dislike(user, I("y"), Day(0)),
            FeedbackEvent.Prefer(user, I("z"), I("y"), Day(0)),
        ]);
        // The preference also nudges the net signals: z gets +0.5 (a second liked item), y −1.5 (still disliked).
        // positive mean = (1·x + 0.5·z) / 1.5, negative mean = y, direction = z − y:
        // 2·(2/3, 0, 1/3) − (0, 1, 0) + (0, −1, 1) = (4/3, −2, 5/3).
        var p = RocchioProfile.Build(withPreference, id => vectors.GetValueOrDefault(id), 3, new VisualProfileOptions { HalfLife = null }, Day(1))!;
        double norm = Math.Sqrt(16 / 9.0 + 4 + 25 / 9.0);
        Assert.Equal([4 / 3.0 / norm, -2 / norm, 5 / 3.0 / norm], p.Select(v => (double)v), new Tolerance(1e-6));
    }

    [Fact]
    public void Rocchio_Recency_NewerLikesWeighMore()
    {
        var vectors = new Dictionary<ItemId, float[]> { [I("old")] = [1, 0], [I("new")] = [0, 1] };
        var user = U("bob");
        var history = UserHistory.From([FeedbackEvent.Like(user, I("old"), Day(0)), FeedbackEvent.Like(user, I("new"), Day(30))]);
        // Half-life 30 days: the old like weighs 1/2 → direction (0.5, 1).
        var profile = RocchioProfile.Build(history, id => vectors.GetValueOrDefault(id), 2, new VisualProfileOptions { HalfLife = TimeSpan.FromDays(30) }, Day(30))!;
        Assert.Equal(0.5 / Math.Sqrt(1.25), profile[0], 1e-6);
        Assert.Equal(1 / Math.Sqrt(1.25), profile[1], 1e-6);
    }

    [Fact]
    public void Visual_ExcludesSeenByFilter_AndStillReturnsCount()
    {
        using var index = Index(Catalog);
        var visual = new VisualProfileRecommender(index);
        var history = UserHistory.From([FeedbackEvent.Like(U("c"), I("red1.jpg"), Day(0)), FeedbackEvent.View(U("c"), I("red2.jpg"), Day(0))]);
        var result = visual.Recommend(new RecommendationRequest { History = history, Count = 3, Now = Day(1) });
        Assert.Equal(3, result.Count);
        Assert.Equal(I("red3.jpg"), result[0].Item);
        Assert.DoesNotContain(result, c => c.Item == I("red1.jpg") || c.Item == I("red2.jpg"));
    }

    [Fact]
    public void VisualKnn_KeepsEveryInterest_WhereTheCentroidBlurs()
    {
        // Bought a red and a blue item: the Rocchio centroid points between them (at nothing in particular);
        // visualknn proposes the other reds and the other blue, best look-alikes first.
        using var index = Index(Catalog);
        var history = UserHistory.From([FeedbackEvent.Purchase(U("d"), I("red1.jpg"), Day(0)), FeedbackEvent.Purchase(U("d"), I("blue1.jpg"), Day(0))]);
        var request = new RecommendationRequest { History = history, Count = 3, Now = Day(1) };
        var knn = new VisualNeighboursRecommender(index, new VisualNeighboursOptions { HalfLife = null }).Recommend(request);
        Assert.Equal(3, knn.Count);
        Assert.Contains(knn, c => c.Item == I("blue2.jpg"));
        Assert.Contains(knn, c => c.Item == I("red2.jpg"));
        Assert.DoesNotContain(knn, c => c.Item.Value.StartsWith("green", StringComparison.Ordinal));
        // Scores are Σ w · cos^8 over the seeds: red2's is cos(red1, red2)^8 + cos(blue1, red2)^8.
        var vectors = Catalog.ToDictionary(c => c.Id, c => c.Vector);
        double Cos(string a, string b) => vectors[I(a)].Zip(vectors[I(b)], (x, y) => (double)x * y).Sum();
        double expected = Math.Pow(Cos("red1.jpg", "red2.jpg"), 8) + Math.Pow(Math.Max(Cos("blue1.jpg", "red2.jpg"), 0), 8);
        Assert.Equal(expected, knn.Single(c => c.Item == I("red2.jpg")).Score, 1e-5);
    }

    [Fact]
    public void Hybrid_ColdItem_ReturnsVisualNeighbours()
    {
        // Everyone buys blue1 with blue2 and red1 with red2; nobody ever touched a green item (cold items).
        using var index = Index(Catalog);
        var events = new List<FeedbackEvent>();
        for (int u = 0; u < 6; u++)
        {
            events.Add(Buy(u, 0));
            events.Add(FeedbackEvent.Purchase(U(u), u % 2 == 0 ? I("blue1.jpg") : I("red1.jpg"), Day(1)));
            events.Add(FeedbackEvent.Purchase(U(u), u % 2 == 0 ? I("blue2.jpg") : I("red2.jpg"), Day(1)));
        }
        using var engine = RecommendationEngine.Build(events, index);

        // The item page of a cold item: no "bought together", the blend is its look-alikes.
        var also = engine.Also(I("green1.jpg"), 3);
        Assert.Empty(also.BoughtTogether);
        Assert.Equal(I("green2.jpg"), also.LooksLike[0].Item);
        Assert.Equal(also.LooksLike.Select(c => c.Item), also.Blended.Select(c => c.Item));

        // A new visitor whose only like is a cold item gets that item's visual neighbours first.
        var visitor = UserHistory.FromLikes([I("green1.jpg")], [], Day(2));
        var hybrid = engine.Recommend(RecommendationStrategy.Hybrid, new RecommendationRequest { History = visitor, Count = 3, Now = Day(2) });
        Assert.Equal(I("green2.jpg"), hybrid[0].Item);
        Assert.Empty(engine.Recommend(RecommendationStrategy.ItemKnn, new RecommendationRequest { History = visitor, Count = 3, Now = Day(2) }));

        // A warm item keeps its CF neighbours.
        Assert.Equal(I("blue2.jpg"), engine.Also(I("blue1.jpg"), 3).BoughtTogether[0].Item);
    }

    [Fact]
    public void Hybrid_ColdUser_FallsBackToPopularAndPhotos()
    {
        using var index = Index(Catalog);
        using var engine = RecommendationEngine.Build([Buy(1, 9), FeedbackEvent.Purchase(U(1), I("blue1.jpg"), Day(0)), FeedbackEvent.Purchase(U(2), I("blue1.jpg"), Day(0))], index);
        var nobody = new RecommendationRequest { History = UserHistory.Empty, Count = 2, Now = Day(1) };
        Assert.Equal(I("blue1.jpg"), engine.Recommend(RecommendationStrategy.Hybrid, nobody)[0].Item);
        // Only a photo (an outside image near "green"): visual answers.
        var photo = nobody with { LikedVectors = [Unit(0.05f, 0.05f, 1f)] };
        var result = engine.Recommend(RecommendationStrategy.Hybrid, photo);
        Assert.Contains(result, c => c.Item.Value.StartsWith("green", StringComparison.Ordinal));
    }

    [Fact]
    public void Blend_WeightedRankFusion_DampedByRelativeScore()
    {
        IReadOnlyList<Candidate> a = [new(I("a"), 10), new(I("b"), 5), new(I("c"), 1)];
        IReadOnlyList<Candidate> v = [new(I("c"), 0.9f), new(I("d"), 0.9f), new(I("a"), 0.45f)];
        var blended = HybridRecommender.Blend([(a, 0.6), (v, 0.4)], 4);
        // Rank r with score s earns 60/(60 + r) · s/s₀:
        // a 0.6 + 0.4·(60/62)·0.5 = 0.7935; c 0.6·(60/62)·0.1 + 0.4 = 0.4581; d 0.4·(60/61) = 0.3934; b 0.6·(60/61)·0.5 = 0.2951.
        Assert.Equal(["a", "c", "d", "b"], blended.Select(c => c.Item.Value));
        Assert.Equal(0.6 + 0.4 * 60 / 62.0 * 0.5, blended[0].Score, 1e-6);
        Assert.Equal(0.6 * 60 / 61.0 * 0.5, blended[3].Score, 1e-6);
    }

    [Fact]
    public void Weights_ParseAndPrint_RoundTrip()
    {
        var w = HybridWeights.Parse("itemknn=0.5, visual=0.3,popular=0.2");
        Assert.Equal("itemknn=0.5,userknn=0,visual=0.3,visualknn=0,popular=0.2", w.ToString());
        Assert.Equal(w.ToString(), HybridWeights.Parse(w.ToString()).ToString());
        Assert.Throws<Lookalike.Core.Errors.LookalikeException>(() => HybridWeights.Parse("colour=1"));
        Assert.Throws<Lookalike.Core.Errors.LookalikeException>(() => HybridWeights.Parse("visual=-1"));
    }

    [Fact]
    public void Mmr_LambdaOneKeepsOrder_LowLambdaDiversifies()
    {
        var vectors = Catalog.ToDictionary(c => c.Id, c => c.Vector);
        List<Candidate> candidates = [new(I("red1.jpg"), 0.99f), new(I("red2.jpg"), 0.98f), new(I("red3.jpg"), 0.97f), new(I("blue1.jpg"), 0.5f)];
        Assert.Equal(candidates, Diversity.Mmr(candidates, vectors.GetValueOrDefault, 1, 4));
        var diverse = Diversity.Mmr(candidates, vectors.GetValueOrDefault, 0.3, 2);
        Assert.Equal([I("red1.jpg"), I("blue1.jpg")], diverse.Select(c => c.Item));
    }

    [Fact]
    public void CollapseNearDuplicates_DropsLowerRankedTwins()
    {
        var vectors = Catalog.ToDictionary(c => c.Id, c => c.Vector);
        List<Candidate> candidates = [new(I("red1.jpg"), 3), new(I("red2.jpg"), 2), new(I("blue1.jpg"), 1)];
        // cos(red1, red2) ≈ 0.995 ≥ 0.99: red2 goes; blue1 stays.
        Assert.Equal([I("red1.jpg"), I("blue1.jpg")], Diversity.CollapseNearDuplicates(candidates, vectors.GetValueOrDefault, 0.99).Select(c => c.Item));
        Assert.Equal(3, Diversity.CollapseNearDuplicates(candidates, vectors.GetValueOrDefault, 0.999).Count);
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(double obj) => 0;
    }
}
