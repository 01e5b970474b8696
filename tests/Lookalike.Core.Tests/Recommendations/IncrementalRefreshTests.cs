using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Core.Tests.Recommendations;

/// <summary>Neighbour lists refreshed batch by batch equal lists rebuilt from scratch.</summary>
public class IncrementalRefreshTests
{
    [Theory]
    [InlineData(SimilarityKind.Cosine, 2, 31)]
    [InlineData(SimilarityKind.Cosine, 5, 32)]
    [InlineData(SimilarityKind.Pearson, 3, 33)]
    public void Refresh_RandomBatches_EqualsFullRebuild(SimilarityKind kind, int k, int seed)
    {
        var random = new Random(seed);
        var options = new ItemKnnOptions { Similarity = kind, Neighbours = k, Shrinkage = 1.5 };
        var incremental = new InteractionMatrix();
        var table = new ItemNeighbours(incremental, options);
        var all = new List<FeedbackEvent>();
        for (int batch = 0; batch < 25; batch++)
        {
            var events = new List<FeedbackEvent>();
            for (int e = 0; e < random.Next(1, 8); e++)
            {
                var user = U(random.Next(0, 12));
                var item = I(random.Next(0, 18));
                var time = Day(batch + e / 10.0);
                // Re-ratings lower or raise a cell, 3 stars removes it, dislikes make it negative: every kind of change.
                events.Add(random.Next(0, 4) switch
                {
                    0 => FeedbackEvent.Rating(user, item, Math.Round(1 + random.NextDouble() * 4, 2), time),
                    1 => FeedbackEvent.Rating(user, item, 3, time),
                    2 => FeedbackEvent.Dislike(user, item, time),
                    _ => FeedbackEvent.Rating(user, item, Math.Round(3.1 + random.NextDouble() * 1.9, 2), time),
                });
            }
            all.AddRange(events);
            table.Refresh(incremental.Apply(events));

            var rebuiltMatrix = new InteractionMatrix();
            rebuiltMatrix.Apply(all);
            var rebuilt = new ItemNeighbours(rebuiltMatrix, options);
            for (int i = 0; i < 18; i++)
                ItemSimilarityTests.AssertSameNeighbours(rebuilt.Of(I(i)), table.Of(I(i)));
        }
    }

    [Fact]
    public void Refresh_OneNewEvent_RecomputesFewLists()
    {
        var random = new Random(41);
        var (events, _) = ItemSimilarityTests.RandomRatings(random, users: 40, items: 200, density: 0.03);
        var matrix = new InteractionMatrix();
        matrix.Apply(events);
        var table = new ItemNeighbours(matrix, new ItemKnnOptions { Neighbours = 5 });
        Assert.Equal(matrix.ItemCount, table.LastRecomputed);
        // A new like on item 7 changes its norm, so its own list and the lists holding it (their similarity to 7 drops) are redone; no others.
        int holding = Enumerable.Range(0, 200).Count(i => table.Of(I(i)).Any(n => n.Item == I(7)));
        table.Refresh(matrix.Apply([FeedbackEvent.Like(U(999), I(7), Day(200))]));
        Assert.InRange(table.LastRecomputed, 1, 1 + holding);
        Assert.True(table.LastRecomputed < matrix.ItemCount / 10, $"recomputed {table.LastRecomputed} of {matrix.ItemCount} lists");
    }

    [Fact]
    public void UserKnn_EqualsNaiveUserNeighbours()
    {
        var random = new Random(51);
        var (events, dense) = ItemSimilarityTests.RandomRatings(random, users: 15, items: 12, density: 0.5);
        var matrix = new InteractionMatrix();
        matrix.Apply(events);
        var recommender = new UserKnnRecommender(matrix, new UserKnnOptions { Neighbours = 3, Shrinkage = 1 });
        for (int u = 0; u < 15; u++)
        {
            var history = matrix.HistoryOf(U(u));
            var actual = recommender.Recommend(new RecommendationRequest { History = history, Count = 100, Now = Day(1000) });
            // Reference: user similarities by brute force on the transposed dense matrix, top 3, then Σ sim·r over unseen items.
            var transposed = new double[12, 15];
            for (int a = 0; a < 15; a++) for (int i = 0; i < 12; i++) transposed[i, a] = dense[a, i];
            var neighbours = Enumerable.Range(0, 15).Where(v => v != u)
                .Select(v => (v, sim: ItemSimilarityTests.NaiveSimilarity(transposed, u, v, SimilarityKind.Cosine, 1, 1, 12)))
                .Where(x => x.sim > 0).OrderByDescending(x => x.sim).ThenBy(x => U(x.v).Value, StringComparer.Ordinal).Take(3).ToList();
            var expected = new Dictionary<int, double>();
            foreach (var (v, sim) in neighbours)
                for (int i = 0; i < 12; i++)
                    if (dense[v, i] != 0 && dense[u, i] == 0) expected[i] = expected.GetValueOrDefault(i) + sim * dense[v, i];
            var positive = expected.Where(kv => kv.Value > 0).ToDictionary(kv => I(kv.Key), kv => kv.Value);
            Assert.Equal(positive.Count, actual.Count);
            foreach (var c in actual) Assert.Equal(positive[c.Item], c.Score, 1e-5);
        }
    }
}
