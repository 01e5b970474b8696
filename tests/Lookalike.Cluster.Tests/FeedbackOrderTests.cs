using Lookalike.Cluster.Backend;
using Lookalike.Cluster.Client;
using Lookalike.Cluster.Contracts;
using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.TestKit;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// Two writers whose sequence ranges are written out of order (real silo, real Redis): a reader that continues from
/// the last sequence it saw — as the recommender does — still gets both, in sequence order.
/// </summary>
[Collection(nameof(ClusterProcessTests))]
public sealed class FeedbackOrderTests : IDisposable
{
    private readonly RedisServer _redis = new();
    private readonly TempDirectory _temp = new();

    [SkippableFact]
    public async Task RangeWrittenAfterALaterOne_IsNotSkippedByAContinuingReader()
    {
        await _redis.EnsureStartedAsync();
        using var cluster = new LocalCluster(_redis.NewCluster("feedback-order"), silos: 1);
        await cluster.StartAllAsync();
        await cluster.InitAsync(shards: 2, replicas: 1);
        await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(cluster.Connection));
        using var store = new ClusterFeedbackStore(session);
        var sequence = session.Client.Grains.GetGrain<IFeedbackSequenceGrain>(0);
        var time = new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

        // Writer A reserves first but is slow; writer B reserves, writes and commits meanwhile.
        long slow = await sequence.Reserve(1);
        store.Add([FeedbackEvent.Like(UserId.Parse("bob"), ItemId.Parse("b.jpg"), time)]);
        long seen = 0;
        var collected = new List<FeedbackEvent>();
        void ReadOn()
        {
            foreach (var e in store.Read(seen)) { collected.Add(e); seen = Math.Max(seen, e.Sequence); }
        }
        ReadOn();
        Assert.Empty(collected); // B's event waits behind A's uncommitted range
        Assert.Equal(0, store.LastSequence);

        await session.Writer.AddFeedbackAsync([new FeedbackRecord { Sequence = slow, User = "ann", Kind = "like", Item = "a.jpg", TimeMs = time.ToUnixTimeMilliseconds() }]);
        await sequence.Commit(slow);
        ReadOn();
        Assert.Equal([("ann", slow), ("bob", slow + 1)], collected.Select(e => (e.User.Value, e.Sequence)));
        Assert.Equal(slow + 1, store.LastSequence);
    }

    public void Dispose()
    {
        _temp.Dispose();
        _redis.Dispose();
    }
}
