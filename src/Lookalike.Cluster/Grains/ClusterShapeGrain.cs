using Lookalike.Cluster.Contracts;
using Orleans.Runtime;

namespace Lookalike.Cluster.Grains;

/// <summary>Records the shape once, in the cluster's grain storage (Redis), laying replicas out on distinct active silos.</summary>
internal sealed class ClusterShapeGrain(
    [PersistentState("shape", LookalikeSilo.StorageName)] IPersistentState<ClusterShapeState> state,
    IClusterMembershipService membership) : Grain, IClusterShapeGrain
{
    public Task<ClusterShape?> Read() => Task.FromResult(state.State.Shape);

    public async Task<ClusterShape> Init(int shards, int replicas, string model, string index)
    {
        if (shards is < 1 or > 4096) throw new ArgumentOutOfRangeException(nameof(shards), shards, "--shards must be between 1 and 4096.");
        if (replicas < 1) throw new ArgumentOutOfRangeException(nameof(replicas), replicas, "--replicas must be at least 1.");
        if (state.State.Shape is { } recorded)
        {
            if (recorded.Shards == shards && recorded.Replicas == replicas && recorded.Model == model && recorded.IndexOrExact == index) return recorded;
            throw new InvalidOperationException(
                $"The cluster is already initialised with {recorded.Shards} shards, {recorded.Replicas} replicas, model '{recorded.Model}', index {recorded.IndexOrExact}; its data is laid out that way.");
        }
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).Distinct().Order(StringComparer.Ordinal).ToArray();
        if (silos.Length < replicas)
            throw new InvalidOperationException($"{replicas} replicas need {replicas} active silos on distinct names; the cluster has {silos.Length} ({string.Join(", ", silos)}).");
        // Replica r of shard s on silo (s + r) mod n: distinct silos per shard, shards spread evenly.
        var placement = new string[shards][];
        for (int s = 0; s < shards; s++)
        {
            placement[s] = new string[replicas];
            for (int r = 0; r < replicas; r++) placement[s][r] = silos[(s + r) % silos.Length];
        }
        state.State.Shape = new ClusterShape { Shards = shards, Replicas = replicas, Model = model, Placement = placement, Index = index };
        await state.WriteStateAsync();
        return state.State.Shape;
    }
}

[GenerateSerializer]
internal sealed class ClusterShapeState
{
    [Id(0)] public ClusterShape? Shape { get; set; }
}
