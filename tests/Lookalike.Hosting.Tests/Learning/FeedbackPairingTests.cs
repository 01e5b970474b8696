using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Hosting.Learning;

namespace Lookalike.Hosting.Tests.Learning;

/// <summary>How <see cref="FeedbackLearningSet"/> turns purchases into positive pairs under each <see cref="FeedbackPairing"/>.</summary>
public sealed class FeedbackPairingTests
{
    private static readonly DateTimeOffset Day0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Dictionary<ItemId, CatalogItem> Catalog(int count) => Enumerable.Range(0, count).Select(i => new CatalogItem
    {
        Id = ItemId.Parse($"i{i:D3}"), Path = "", ContentHash = "", SizeBytes = 0, ModifiedUtc = Day0, Model = new ModelId("test"),
        Vector = new float[] { i, 1, 0, 0 }, // the first value names the item: rows can be traced back
    }).ToDictionary(i => i.Id);

    private static FeedbackEvent Buy(string user, int item, int day) => FeedbackEvent.Purchase(UserId.Parse(user), ItemId.Parse($"i{item:D3}"), Day0.AddDays(day));

    /// <summary>The items of a set's rows, read back from their vectors.</summary>
    private static HashSet<int> Items(FeedbackLearningSet.Result result) =>
        Enumerable.Range(0, result.Set.Count).Select(r => (int)result.Set.Row(r)[0]).ToHashSet();

    /// <summary>Per user: 20 baskets of two items on days 0, 2, 4, …; each basket's items differ from every other basket's.</summary>
    private static List<FeedbackEvent> Baskets(int users)
    {
        var events = new List<FeedbackEvent>();
        for (int u = 0; u < users; u++)
            for (int b = 0; b < 20; b++)
            {
                int first = (u * 40 + b * 2) % 200;
                events.Add(Buy($"u{u}", first, b * 2));
                events.Add(Buy($"u{u}", first + 1, b * 2));
            }
        return events;
    }

    [Fact]
    public void Build_WindowZero_PairsSameDayBasketsOnly_Default30DaysPairsAcrossBaskets()
    {
        var catalog = Catalog(200);
        var events = Baskets(users: 2);
        var sameDay = FeedbackLearningSet.Build(catalog, events, null, new FeedbackPairing { WindowDays = 0 });
        Assert.Equal(40, sameDay.Pairs); // one pair per basket: 2 users × 20 baskets
        Assert.Equal(80, sameDay.Items);
        var month = FeedbackLearningSet.Build(catalog, events, null);
        Assert.True(month.Pairs > sameDay.Pairs * 3, $"{month.Pairs} pairs within 30 days");
        Assert.Equal(month.Pairs, month.Set.Pairs.Count);
    }

    [Fact]
    public void Build_PairsPerItemCap_KeepsEachItemsEarliestPairs_AndSaysSo()
    {
        var catalog = Catalog(200);
        // A bestseller (item 199) bought by 30 users on day 0, each with another item of their own the same day.
        var events = Enumerable.Range(0, 30).SelectMany(u => new[] { Buy($"u{u}", 199, u), Buy($"u{u}", u, u) }).ToList();
        var uncapped = FeedbackLearningSet.Build(catalog, events, null);
        Assert.Equal(30, uncapped.Pairs);
        Assert.Empty(uncapped.Notes);
        var capped = FeedbackLearningSet.Build(catalog, events, null, new FeedbackPairing { MaxPairsPerItem = 25 });
        Assert.Equal(25, capped.Pairs);
        Assert.Contains(capped.Notes, n => n.Contains("5 pair(s) left out", StringComparison.Ordinal));
        // The bestseller and the 25 items bought with it first (days 0–24); the later five have no pair left, so no row.
        Assert.Equal([.. Enumerable.Range(0, 25), 199], Items(capped).Order());
        // The cap can leave too few pairs: a clear error naming the pairing.
        var few = Assert.Throws<LookalikeException>(() => FeedbackLearningSet.Build(catalog, events, null, new FeedbackPairing { MaxPairsPerItem = 1 }));
        Assert.Contains("at most 1 pair(s) per item", few.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 5, 0, "pair-window")]
    [InlineData(400, 5, 0, "pair-window")]
    [InlineData(30, 0, 0, "pair-partners")]
    [InlineData(30, 5, -2, "pairs-per-item")]
    public void Validated_OutOfRange_NamesTheOption(int window, int partners, int perItem, string option)
    {
        var e = Assert.Throws<LookalikeException>(() => new FeedbackPairing { WindowDays = window, PartnersPerChoice = partners, MaxPairsPerItem = perItem }.Validated());
        Assert.Equal(option, e.Subject);
        Assert.Contains("--" + option, e.Message, StringComparison.Ordinal);
    }
}
