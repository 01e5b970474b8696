using Lookalike.Core.Evaluation;

namespace Lookalike.Core.Tests.Evaluation;

/// <summary>Every metric against values computed by hand.</summary>
public class RankingMetricsTests
{
    private static readonly string[] Ranked = ["a", "b", "c", "d", "e"];
    private static readonly HashSet<string> Relevant = ["b", "d", "x"];

    [Fact]
    public void AtFive_HandComputed()
    {
        // Hits at ranks 2 and 4 of 3 relevant items.
        Assert.Equal(1, RankingMetrics.HitRate(Ranked, Relevant, 5));
        Assert.Equal(2 / 5.0, RankingMetrics.Precision(Ranked, Relevant, 5), 12);
        Assert.Equal(2 / 3.0, RankingMetrics.Recall(Ranked, Relevant, 5), 12);
        // AP@5 = (1/2 + 2/4) / min(3, 5)
        Assert.Equal((0.5 + 0.5) / 3, RankingMetrics.AveragePrecision(Ranked, Relevant, 5), 12);
        // DCG = 1/log2(3) + 1/log2(5); IDCG = 1/log2(2) + 1/log2(3) + 1/log2(4)
        double dcg = 1 / Math.Log2(3) + 1 / Math.Log2(5), idcg = 1 + 1 / Math.Log2(3) + 0.5;
        Assert.Equal(dcg / idcg, RankingMetrics.Ndcg(Ranked, Relevant, 5), 12);
        Assert.Equal(0.49819, RankingMetrics.Ndcg(Ranked, Relevant, 5), 5);
        Assert.Equal(0.5, RankingMetrics.ReciprocalRank(Ranked, Relevant, 5), 12);
    }

    [Fact]
    public void AtThree_And_AtOne_HandComputed()
    {
        Assert.Equal(1 / 3.0, RankingMetrics.Precision(Ranked, Relevant, 3), 12);
        Assert.Equal(1 / 3.0, RankingMetrics.Recall(Ranked, Relevant, 3), 12);
        Assert.Equal(0.5 / 3, RankingMetrics.AveragePrecision(Ranked, Relevant, 3), 12);
        Assert.Equal(0.29608, RankingMetrics.Ndcg(Ranked, Relevant, 3), 5); // (1/log2 3) / (1 + 1/log2 3 + 1/2)
        Assert.Equal(0, RankingMetrics.HitRate(Ranked, Relevant, 1));
        Assert.Equal(0, RankingMetrics.Ndcg(Ranked, Relevant, 1));
        Assert.Equal(0, RankingMetrics.AveragePrecision(Ranked, Relevant, 1));
    }

    [Fact]
    public void DuplicatesCountOnce_ShortListsDivideByK()
    {
        // [b, b, d] with {b, d}: hits at ranks 1 and 3 → AP = (1/1 + 2/3) / 2.
        Assert.Equal((1 + 2 / 3.0) / 2, RankingMetrics.AveragePrecision(["b", "b", "d"], new HashSet<string> { "b", "d" }, 3), 12);
        Assert.Equal(2, RankingMetrics.Hits(["b", "b", "d"], new HashSet<string> { "b", "d" }, 3));
        Assert.Equal(0.1, RankingMetrics.Precision(["b"], new HashSet<string> { "b" }, 10), 12);
        Assert.Equal(1, RankingMetrics.Recall(["b"], new HashSet<string> { "b" }, 10), 12);
        Assert.Equal(1, RankingMetrics.Ndcg(["b"], new HashSet<string> { "b" }, 10), 12);
        Assert.Equal(1, RankingMetrics.AveragePrecision(["b"], new HashSet<string> { "b" }, 10), 12);
    }

    [Fact]
    public void NoRelevantItems_IsZero()
    {
        var none = new HashSet<string>();
        Assert.Equal(0, RankingMetrics.Recall(Ranked, none, 5));
        Assert.Equal(0, RankingMetrics.Ndcg(Ranked, none, 5));
        Assert.Equal(0, RankingMetrics.AveragePrecision(Ranked, none, 5));
    }

    [Fact]
    public void Accumulator_AveragesOverQueries()
    {
        var acc = new RankingMetricsAccumulator(5);
        acc.Add(Ranked, Relevant);
        acc.Add(["z"], new HashSet<string> { "y" });
        Assert.Equal(2, acc.Queries);
        Assert.Equal(0.5, acc.HitRate, 12);
        Assert.Equal(1 / 3.0 / 2, acc.MeanAveragePrecision, 12);
        Assert.Equal(2 / 3.0 / 2, acc.Recall, 12);
    }
}
