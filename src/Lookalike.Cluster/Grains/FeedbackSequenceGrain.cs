using Lookalike.Cluster.Contracts;
using Orleans.Runtime;

namespace Lookalike.Cluster.Grains;

/// <summary>The cluster's one feedback sequence, persisted in the cluster's grain storage (Redis) before a range is handed out.</summary>
internal sealed class FeedbackSequenceGrain(
    [PersistentState("feedback-sequence", LookalikeSilo.StorageName)] IPersistentState<FeedbackSequenceState> state) : Grain, IFeedbackSequenceGrain
{
    public async Task<long> Reserve(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        long first = state.State.Last + 1;
        state.State.Last += count;
        await state.WriteStateAsync();
        return first;
    }

    public Task<long> Last() => Task.FromResult(state.State.Last);
}

[GenerateSerializer]
internal sealed class FeedbackSequenceState
{
    [Id(0)] public long Last { get; set; }
}
