namespace Lookalike.Cluster.Contracts;

/// <summary>
/// One feedback event as it travels to and from the replicas of its user's shard. <see cref="Sequence"/> is the
/// cluster's (<see cref="IFeedbackSequenceGrain"/>), so every replica and every reader orders events alike.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class FeedbackRecord
{
    [Id(0)] public required long Sequence { get; init; }

    [Id(1)] public required string User { get; init; }

    /// <summary>The kind's name (<c>Purchase</c>, <c>Rating</c>, …).</summary>
    [Id(2)] public required string Kind { get; init; }

    [Id(3)] public required string Item { get; init; }

    [Id(4)] public string? Other { get; init; }

    [Id(5)] public double? Value { get; init; }

    [Id(6)] public string? Context { get; init; }

    /// <summary>Unix time in milliseconds (what a single store keeps).</summary>
    [Id(7)] public required long TimeMs { get; init; }

    /// <summary>Idempotency key: an event whose source a replica already holds is skipped.</summary>
    [Id(8)] public string? Source { get; init; }
}

/// <summary>
/// The cluster's feedback sequence: ranges handed out in order, persisted before they are given. A writer commits its
/// range once its events are written (or failed); readers read only up to <see cref="CommittedThrough"/>, so a range
/// written after a later one can never be skipped by a reader that already read past it.
/// </summary>
public interface IFeedbackSequenceGrain : IGrainWithIntegerKey
{
    /// <summary>Reserves <paramref name="count"/> sequence numbers; returns the first (they run on from there).</summary>
    Task<long> Reserve(int count);

    /// <summary>The range starting at <paramref name="first"/> is written (or its write failed for good): readers may pass it.</summary>
    Task Commit(long first);

    /// <summary>
    /// The highest sequence below which every reserved range is committed (or was reserved longer ago than the lease
    /// a writer has to commit it: a writer that died holds readers back for at most that long). 0: none.
    /// </summary>
    Task<long> CommittedThrough();

    /// <summary>The last sequence number handed out (0: none).</summary>
    Task<long> Last();
}
