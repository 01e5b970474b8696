using Lookalike.Cluster.Contracts;
using Orleans.Runtime;

namespace Lookalike.Cluster.Grains;

/// <summary>One shard's stale marks, persisted in the cluster's grain storage (Redis) on every change.</summary>
internal sealed class ShardHealthGrain(
    [PersistentState("health", LookalikeSilo.StorageName)] IPersistentState<ShardHealthState> state) : Grain, IShardHealthGrain
{
    public async Task MarkStale(string[] silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        if (silos.Length == 0) return;
        foreach (var silo in silos) state.State.Stale[silo] = ++state.State.Epoch;
        await state.WriteStateAsync();
    }

    public Task<long?> StaleEpoch(string silo) =>
        Task.FromResult(state.State.Stale.TryGetValue(silo, out long epoch) ? epoch : (long?)null);

    public async Task<bool> MarkFresh(string silo, long epoch)
    {
        if (!state.State.Stale.TryGetValue(silo, out long current)) return true;
        if (current != epoch) return false;
        state.State.Stale.Remove(silo);
        await state.WriteStateAsync();
        return true;
    }

    public Task<string[]> StaleSilos() => Task.FromResult(state.State.Stale.Keys.Order(StringComparer.Ordinal).ToArray());
}

[GenerateSerializer]
internal sealed class ShardHealthState
{
    [Id(0)] public Dictionary<string, long> Stale { get; set; } = new(StringComparer.Ordinal);

    [Id(1)] public long Epoch { get; set; }
}
