using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Core.Tests.Feedback;

public class UserHistoryTests
{
    private static readonly UserId Ann = U("ann");

    private static double Signal(UserHistory h, string item) => h.Items.SingleOrDefault(s => s.Item == I(item)).Weight;

    [Fact]
    public void LatestRatingWins_AndMapsStarsToSignal()
    {
        var h = UserHistory.From([FeedbackEvent.Rating(Ann, I("a"), 1, Day(0)), FeedbackEvent.Rating(Ann, I("a"), 5, Day(1)), FeedbackEvent.Rating(Ann, I("b"), 2, Day(0))]);
        Assert.Equal(1.0, Signal(h, "a"));
        Assert.Equal(-0.5, Signal(h, "b"));
    }

    [Fact]
    public void LikeThenDislike_IsDislike_AndThreeStarsIsNeutralButSeen()
    {
        var h = UserHistory.From([FeedbackEvent.Like(Ann, I("a"), Day(0)), FeedbackEvent.Dislike(Ann, I("a"), Day(1)), FeedbackEvent.Rating(Ann, I("n"), 3, Day(0))]);
        Assert.Equal(-1.0, Signal(h, "a"));
        Assert.DoesNotContain(h.Items, s => s.Item == I("n"));
        Assert.Contains(I("n"), h.Seen);
    }

    [Fact]
    public void RepeatPurchases_Saturate()
    {
        var h = UserHistory.From([FeedbackEvent.Purchase(Ann, I("a"), Day(0)), FeedbackEvent.Purchase(Ann, I("a"), Day(1)), FeedbackEvent.Purchase(Ann, I("a"), Day(2)), FeedbackEvent.View(Ann, I("b"), Day(0))]);
        Assert.Equal(2.0, Signal(h, "a"), 1e-12); // log2(1 + 3)
        Assert.Equal(0.25, Signal(h, "b"), 1e-12);
        Assert.Equal(3, h.Items.Single(s => s.Item == I("a")).Events);
        Assert.Equal(Day(2), h.Items.Single(s => s.Item == I("a")).LastTime);
        Assert.Equal(I("a"), h.Items[0].Item); // newest first
    }

    [Fact]
    public void Ranking_KeepsAdjacentPairs_WithTheAllPairsSignal()
    {
        var h = UserHistory.From(FeedbackEvent.Ranking(Ann, [I("a"), I("b"), I("c")], Day(0), "r1"));
        Assert.Equal([(I("a"), I("b")), (I("b"), I("c"))], h.Preferences.Select(p => (p.Better, p.Worse)));
        // Signal as if all pairs counted, each item's share ±0.5 in total: a wins 2 of 2 → +0.5, b one each → 0, c loses both → −0.5.
        Assert.Equal(0.5, Signal(h, "a"), 1e-12);
        Assert.Equal(0.0, Signal(h, "b"), 1e-12);
        Assert.Equal(-0.5, Signal(h, "c"), 1e-12);
    }

    [Fact]
    public void LongRanking_SignalEqualsTheAllPairsReference_PairsLinear()
    {
        var items = Enumerable.Range(0, 100).Select(i => I($"i{i:000}")).ToList();
        var h = UserHistory.From(FeedbackEvent.Ranking(Ann, items, Day(0), "long"));
        Assert.Equal(99, h.Preferences.Count);
        var weights = SignalWeights.Default;
        for (int place = 0; place < items.Count; place++)
        {
            // O(n²) reference: every pair (a above b) adds better/(n−1) to a and worse/(n−1) to b.
            double reference = 0;
            for (int a = 0; a < items.Count; a++)
                for (int b = a + 1; b < items.Count; b++)
                {
                    if (a == place) reference += weights.PreferBetter / (items.Count - 1.0);
                    if (b == place) reference += weights.PreferWorse / (items.Count - 1.0);
                }
            Assert.Equal(reference, h.Items.SingleOrDefault(s => s.Item == items[place]).Weight, 1e-9);
        }
    }

    [Fact]
    public void Ranking_OverTheItemLimit_IsRefused()
    {
        var items = Enumerable.Range(0, FeedbackLimits.Default.MaxRankingItems + 1).Select(i => I($"i{i}")).ToList();
        var e = Assert.Throws<LookalikeException>(() => FeedbackEvent.Ranking(Ann, items, Day(0)));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.NotNull(new FeedbackEvent { User = Ann, Kind = FeedbackKind.Ranking, Item = I("a"), Value = 101, Context = "r", Time = Day(0) }.Validate());
    }

    [Fact]
    public void FavouritesList_KeepsItsNewestMembers()
    {
        var limits = new FeedbackLimits { MaxListItems = 3 };
        var events = Enumerable.Range(0, 5).Select(i => FeedbackEvent.Favorite(Ann, I($"f{i}"), Day(i), "summer")).ToList();
        var h = UserHistory.From(events, limits: limits);
        Assert.Equal(["f2", "f3", "f4"], h.Items.Select(s => s.Item.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ranking_ResentWithSameId_ReplacesEarlierVersion()
    {
        var events = FeedbackEvent.Ranking(Ann, [I("a"), I("b")], Day(0), "r1").Concat(FeedbackEvent.Ranking(Ann, [I("b"), I("a")], Day(1), "r1"));
        var h = UserHistory.From(events);
        Assert.Equal((I("b"), I("a")), (h.Preferences.Single().Better, h.Preferences.Single().Worse));
    }

    [Fact]
    public void Favorites_LatestMembershipDecides_PerList()
    {
        var h = UserHistory.From(
        [
            FeedbackEvent.Favorite(Ann, I("a"), Day(0)),
            FeedbackEvent.Favorite(Ann, I("a"), Day(1), added: false),
            FeedbackEvent.Favorite(Ann, I("b"), Day(0), "summer"),
        ]);
        Assert.DoesNotContain(h.Items, s => s.Item == I("a"));
        Assert.Equal(1.0, Signal(h, "b"));
    }

    [Fact]
    public void Prefer_SeesBothItems()
    {
        var h = UserHistory.From([FeedbackEvent.Prefer(Ann, I("a"), I("b"), Day(0)), FeedbackEvent.SearchClick(Ann, "shoe.jpg", I("c"), Day(0))]);
        Assert.Equal(0.5, Signal(h, "a"));
        Assert.Equal(-0.5, Signal(h, "b"));
        Assert.Equal(0.5, Signal(h, "c"));
        Assert.Equal(new HashSet<string> { "a", "b", "c" }, h.Seen.Select(i => i.Value).ToHashSet());
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(5.5)]
    [InlineData(double.NaN)]
    public void Rating_OutOfRange_IsInvalidArgument(double stars)
    {
        var e = Assert.Throws<LookalikeException>(() => FeedbackEvent.Rating(Ann, I("a"), stars, Day(0)));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void Validate_RejectsInconsistentEvents()
    {
        Assert.Throws<LookalikeException>(() => FeedbackEvent.Prefer(Ann, I("a"), I("a"), Day(0)));
        Assert.Throws<LookalikeException>(() => FeedbackEvent.Ranking(Ann, [I("a")], Day(0)));
        Assert.Throws<LookalikeException>(() => FeedbackEvent.Ranking(Ann, [I("a"), I("a")], Day(0)));
        Assert.NotNull(new FeedbackEvent { User = Ann, Kind = FeedbackKind.Prefer, Item = I("a"), Time = Day(0) }.Validate());
        Assert.NotNull(new FeedbackEvent { User = Ann, Kind = FeedbackKind.Favorite, Item = I("a"), Value = 2, Time = Day(0) }.Validate());
        Assert.Null(FeedbackEvent.Like(Ann, I("a"), Day(0)).Validate());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a\nb")]
    public void UserId_Invalid_IsRejected(string value) => Assert.False(UserId.TryParse(value, out _));

    [Fact]
    public void Kinds_ParseNamesAndSpellings()
    {
        Assert.True(FeedbackKinds.TryParse("Purchases", out var k) && k == FeedbackKind.Purchase);
        Assert.True(FeedbackKinds.TryParse("favourite", out k) && k == FeedbackKind.Favorite);
        Assert.False(FeedbackKinds.TryParse("bought", out _));
        Assert.All(Enum.GetValues<FeedbackKind>(), kind => Assert.True(FeedbackKinds.TryParse(FeedbackKinds.Name(kind), out var back) && back == kind));
    }
}
