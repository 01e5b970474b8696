using Lookalike.Cluster.Client;
using Lookalike.Cluster.Contracts;
using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;

namespace Lookalike.Cluster.Backend;

/// <summary>
/// The cluster's feedback as the application layer's <see cref="IFeedbackStore"/>: an event lives on every replica of
/// its user's shard (written like items, <see cref="ClusterWriter.AddFeedbackAsync"/>), numbered by the cluster's one
/// sequence (<see cref="IFeedbackSequenceGrain"/>), so every reader folds events in the order they were added — the
/// order a single store gives — and a recommender built from them equals one built from a single store.
/// </summary>
internal sealed class ClusterFeedbackStore(ClusterSession session) : IFeedbackStore
{
    private const int ReadPage = 10_000;

    private IFeedbackSequenceGrain Sequence => session.Client.Grains.GetGrain<IFeedbackSequenceGrain>(0);

    public int Add(IReadOnlyList<FeedbackEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events) e.Checked();
        if (events.Count == 0) return 0;
        long first = ClusterCatalogStore.Wait(MessagingRetry.RunAsync(() => Sequence.Reserve(events.Count)));
        var records = events.Select((e, i) => ToRecord(e, first + i)).ToList();
        try
        {
            return ClusterCatalogStore.Wait(session.Writer.AddFeedbackAsync(records));
        }
        finally
        {
            // Written or failed for good: readers may pass this range now (a failed write re-run gets a new range). If the
            // commit itself is lost, readers pass the range when its lease runs out.
            try { ClusterCatalogStore.Wait(MessagingRetry.RunAsync(() => Sequence.Commit(first))); }
            catch (Exception e) when (e is not OperationCanceledException) { }
        }
    }

    /// <summary>
    /// Every shard's events above <paramref name="afterSequence"/> and up to the sequence's committed watermark, merged in
    /// sequence order: an event of a range still being written is left for the next read, so a reader that continues
    /// from the last sequence it saw never skips a range that two writers committed out of order.
    /// </summary>
    public IEnumerable<FeedbackEvent> Read(long afterSequence = 0)
    {
        long through = ClusterCatalogStore.Wait(MessagingRetry.RunAsync(() => Sequence.CommittedThrough()));
        if (through <= afterSequence) return [];
        var shards = ClusterCatalogStore.Wait(Task.WhenAll(Enumerable.Range(0, session.Shape.Shards).Select(shard => session.Router.ReadAsync(shard, async replica =>
        {
            var events = new List<FeedbackRecord>();
            while (true)
            {
                var page = await replica.ReadFeedback(events.Count == 0 ? afterSequence : events[^1].Sequence, ReadPage);
                events.AddRange(page);
                if (page.Length < ReadPage) return events;
            }
        }))));
        return shards.SelectMany(s => s).Where(r => r.Sequence <= through).OrderBy(r => r.Sequence).Select(ToEvent).ToList();
    }

    public IReadOnlyList<FeedbackEvent> ReadUser(UserId user) =>
        [.. ClusterCatalogStore.Wait(session.Router.ReadAsync(ShardOf(user), replica => replica.UserFeedback(user.Value))).Select(ToEvent)];

    public (IReadOnlyList<FeedbackEvent> Events, int Total) ReadUserNewest(UserId user, int newest)
    {
        var all = ReadUser(user);
        return (all.Skip(Math.Max(0, all.Count - newest)).ToList(), all.Count);
    }

    /// <summary>The newest stored event's sequence over every shard, up to the committed watermark (what <see cref="Read"/> returns).</summary>
    public long LastSequence => Math.Min(
        ClusterCatalogStore.Wait(MessagingRetry.RunAsync(() => Sequence.CommittedThrough())),
        ClusterCatalogStore.Wait(Task.WhenAll(Enumerable.Range(0, session.Shape.Shards)
            .Select(shard => session.Router.ReadAsync(shard, replica => replica.Status())))).Select(s => s.LastFeedbackSequence).DefaultIfEmpty().Max());

    public FeedbackStats GetStats()
    {
        var events = Read().ToList();
        return new FeedbackStats
        {
            Events = events.Count,
            Users = events.Select(e => e.User).Distinct().Count(),
            Items = events.Select(e => e.Item).Distinct().Count(),
            ByKind = events.GroupBy(e => FeedbackKinds.Name(e.Kind)).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count()),
            First = events.Count == 0 ? null : events.Min(e => e.Time),
            Last = events.Count == 0 ? null : events.Max(e => e.Time),
        };
    }

    public int RemoveUser(UserId user) => ClusterCatalogStore.Wait(session.Writer.RemoveUserFeedbackAsync(user.Value));

    /// <summary>None yet on a cluster: the recommender blends with the default weights.</summary>
    public HybridWeights? LoadHybridWeights() => null;

    public void SaveHybridWeights(HybridWeights weights) =>
        throw Core.Errors.LookalikeException.InvalidArgument("cluster", "A cluster does not keep tuned hybrid weights yet; tune on a single store.");

    /// <summary>The session belongs to whoever opened the backend.</summary>
    public void Dispose()
    {
    }

    private int ShardOf(UserId user) => ShardMap.ShardOf(user.Value, session.Shape.Shards);

    private static FeedbackRecord ToRecord(FeedbackEvent e, long sequence) => new()
    {
        Sequence = sequence,
        User = e.User.Value,
        Kind = FeedbackKinds.Name(e.Kind),
        Item = e.Item.Value,
        Other = e.Other?.Value,
        Value = e.Value,
        Context = e.Context,
        TimeMs = e.Time.ToUnixTimeMilliseconds(),
        Source = e.Source,
    };

    private static FeedbackEvent ToEvent(FeedbackRecord r) => new()
    {
        Sequence = r.Sequence,
        User = UserId.Parse(r.User),
        Kind = FeedbackKinds.TryParse(r.Kind, out var kind) ? kind
            : throw new Core.Errors.LookalikeException(Core.Errors.LookalikeErrorKind.StoreCorrupt, $"Feedback event {r.Sequence} has unknown kind '{r.Kind}'."),
        Item = ItemId.Parse(r.Item),
        Other = r.Other is null ? null : ItemId.Parse(r.Other),
        Value = r.Value,
        Context = r.Context,
        Time = DateTimeOffset.FromUnixTimeMilliseconds(r.TimeMs),
        Source = r.Source,
    };
}
