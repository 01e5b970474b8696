using Lookalike.Cluster.Contracts;
using Orleans.Runtime;

namespace Lookalike.Cluster.Grains;

/// <summary>
/// The cluster's one feedback sequence, persisted in the cluster's grain storage (Redis) before a range is handed out,
/// with the ranges handed out but not yet committed.
/// </summary>
internal sealed class FeedbackSequenceGrain(
    [PersistentState("feedback-sequence", LookalikeSilo.StorageName)] IPersistentState<FeedbackSequenceState> state) : Grain, IFeedbackSequenceGrain
{
    /// <summary>How long a writer has to commit a range before readers pass it anyway (its events, if they land later, are
    /// still read by a reader starting from scratch).</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    public async Task<long> Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        long first = state.State.Last + 1;
        state.State.Last += count;
        state.State.Pending[first] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await state.WriteStateAsync();
        return first;
    }

    public async Task Commit(long first)
    {
        if (state.State.Pending.Remove(first)) await state.WriteStateAsync();
    }

    public async Task<long> CommittedThrough()
    {
        long expired = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)Lease.TotalMilliseconds;
        var lapsed = state.State.Pending.Where(p => p.Value < expired).Select(p => p.Key).ToList();
        if (lapsed.Count > 0)
        {
            foreach (long first in lapsed) state.State.Pending.Remove(first);
            await state.WriteStateAsync();
        }
        return state.State.Pending.Count == 0 ? state.State.Last : state.State.Pending.Keys.Min() - 1;
    }

    public Task<long> Last() => Task.FromResult(state.State.Last);
}

[GenerateSerializer]
internal sealed class FeedbackSequenceState
{
    [Id(0)] public long Last { get; set; }

    /// <summary>Ranges handed out and not yet committed: first sequence → when it was reserved (Unix ms).</summary>
    [Id(1)] public Dictionary<long, long> Pending { get; set; } = [];
}
