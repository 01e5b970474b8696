using Lookalike.Cluster;

namespace Lookalike.Cluster.Tests;

public class ShardMapTests
{
    [Fact]
    public void Fnv1a64_KnownVectors_MatchTheReference()
    {
        // Reference values of 64-bit FNV-1a (draft-eastlake-fnv): a fixed function, the same in every process.
        Assert.Equal(0xcbf29ce484222325UL, ShardMap.Fnv1a64(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, ShardMap.Fnv1a64("a"));
        Assert.Equal(0x85944171f73967e8UL, ShardMap.Fnv1a64("foobar"));
    }

    [Fact]
    public void ShardOf_ManyIds_SpreadsEvenlyOverShards()
    {
        const int shards = 7, ids = 70_000;
        var counts = new int[shards];
        for (int i = 0; i < ids; i++) counts[ShardMap.ShardOf($"catalog/shoes/{i:D6}.jpg", shards)]++;
        // 10,000 expected per shard; a binomial's standard deviation is ~93, so ±5% is > 5σ.
        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    [Fact]
    public void ShardOf_OneShard_IsAlwaysZero() => Assert.Equal(0, ShardMap.ShardOf("anything", 1));
}
