using Lookalike.Cluster.Client;
using Lookalike.Cluster.Contracts;

namespace Lookalike.Cluster.Tests;

public class MergeTests
{
    [Fact]
    public void Merge_ShardLists_OrdersByScoreThenIdAndRanksFromOne()
    {
        var a = Answer(("b", 0.9f), ("d", 0.5f));
        var b = Answer(("c", 0.7f), ("a", 0.5f));
        var c = Answer(("e", 0.95f));
        var merged = ClusterSearch.Merge([a, b, c], k: 4);
        Assert.Equal(["e", "b", "c", "a"], merged.Select(m => m.Id));
        Assert.Equal([1, 2, 3, 4], merged.Select(m => m.Rank));
        Assert.Equal([0.95f, 0.9f, 0.7f, 0.5f], merged.Select(m => m.Score));
    }

    private static ShardAnswer Answer(params (string Id, float Score)[] hits) => new()
    {
        Hits = [.. hits.Select(h => new ShardHit { Id = h.Id, Path = "", Score = h.Score, Metadata = [] })],
    };
}
