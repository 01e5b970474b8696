using Lookalike.Core.Evaluation;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Lookalike.Hosting.Recommendations;
using Lookalike.TestKit;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Hosting.Tests.Recommendations;

/// <summary>
/// The first 3,000 rows of the real H&amp;M transactions against a catalog of their articles (seeded synthetic vectors: the
/// real photos need the model, which the full evaluation in docs/evaluation.md uses). Skipped when
/// ../shared/datasets/interactions is absent (and then fails in CI, which sets LOOKALIKE_REQUIRE_ALL=1).
/// </summary>
public class HmSliceTests
{
    [SkippableFact]
    public void ImportAndEvaluate_FirstRows_ReadsIdsAsTextAndScoresEveryStrategy()
    {
        string folder = Require.SharedDataset("interactions");
        var rows = File.ReadLines(Path.Combine(folder, "transactions.csv")).Take(3001).ToList();
        var articles = rows.Skip(1).Select(l => l.Split(',')[2]).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.All(articles, a => Assert.Equal(10, a.Length)); // 10 digits with the leading zero
        var random = new Random(91);
        using var store = new SyntheticStore(articles.Select(a => ($"images/{a}.jpg", RandomUnit(random, 16), (Dictionary<string, string>?)null)));
        string slice = store.WriteFile("transactions.csv", string.Join('\n', rows));

        var result = FeedbackCsvImporter.Import(slice, new FeedbackImportOptions
        {
            UserColumn = "customer_id", ItemColumn = "article_id", TimeColumn = "t_dat", Kind = FeedbackKind.Purchase,
        }, store.Feedback, store.Resolver());
        Assert.Equal(3000, result.Rows);
        Assert.Empty(result.Failures);
        Assert.Equal(3000, result.Imported);

        using var query = store.OpenQuery();
        var report = RecommendationEvaluator.Run(query.Index, store.Feedback, SplitSpec.Temporal(), 10);
        Assert.True(report.TimeSafe);
        Assert.True(report.TestUsers > 0);
        Assert.Equal(RecommendationStrategies.All.Select(RecommendationStrategies.Name).Append(RecommendationEvaluator.AllTimePopular), report.Rows.Select(r => r.Strategy));
        // Random 16-d vectors over the first 3,000 purchases: accuracy is near zero by design, so check what the slice fixes.
        // 66 users buy in the test window, 62 of them nothing before it; every strategy recommends something, and a
        // hit rate is a whole number of users.
        Assert.All(report.Rows, r =>
        {
            Assert.Equal(66, r.Users);
            Assert.Equal(62, r.ColdUsers);
            Assert.True(r.Coverage > 0, $"{r.Strategy} recommended nothing");
            Assert.Equal(Math.Round(r.HitRate * r.Users), r.HitRate * r.Users, 9);
        });
        // The most popular list is nearly the same ten items for everyone (measured 11: a buyer's own purchases are skipped).
        double popular = report.Rows.Single(r => r.Strategy == "popular").Coverage * report.CatalogItems;
        Assert.InRange(popular, 10, 15);
        Assert.Equal(0, report.Rows.Single(r => r.Strategy == "itemknn").ColdHitRate);
        Assert.Equal(0, report.Rows.Single(r => r.Strategy == "popular").ColdHitRate);
    }
}
