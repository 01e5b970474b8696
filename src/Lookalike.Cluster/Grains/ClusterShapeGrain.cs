using Lookalike.Cluster.Contracts;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Lookalike.Cluster.Grains;

/// <summary>
/// Records the shape once, in the cluster's grain storage (Redis), laying replicas out on distinct active silos; later
/// moves the replicas of a silo gone past the grace period to the remaining silos (<see cref="Rebalance"/>).
/// </summary>
internal sealed class ClusterShapeGrain(
    [PersistentState("shape", LookalikeSilo.StorageName)] IPersistentState<ClusterShapeState> state,
    IClusterMembershipService membership,
    ILogger<ClusterShapeGrain> log) : Grain, IClusterShapeGrain
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
        var silos = ActiveSilos().Order(StringComparer.Ordinal).ToArray();
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

    public async Task<ClusterShape?> Rebalance(TimeSpan grace)
    {
        if (state.State.Shape is not { } shape) return null;
        var active = ActiveSilos();
        bool changed = NoteMissingSilos(shape, active);
        var now = DateTimeOffset.UtcNow;
        var gone = state.State.MissingSince.Where(m => now - m.Value >= grace).Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        if (gone.Count > 0 && await MovedOffAsync(shape, gone, active) is { } moved)
        {
            state.State.Shape = moved;
            NoteMissingSilos(moved, active);
            changed = true;
        }
        if (changed) await state.WriteStateAsync();
        return state.State.Shape;
    }

    /// <summary>Starts the clock for silos of the placement that are not active, stops it for those back; true when anything changed.</summary>
    private bool NoteMissingSilos(ClusterShape shape, HashSet<string> active)
    {
        var missing = state.State.MissingSince;
        var placed = shape.Placement.SelectMany(p => p).ToHashSet(StringComparer.Ordinal);
        bool changed = false;
        foreach (var silo in missing.Keys.Where(s => active.Contains(s) || !placed.Contains(s)).ToList()) changed |= missing.Remove(silo);
        foreach (var silo in placed.Where(s => !active.Contains(s))) changed |= missing.TryAdd(silo, DateTimeOffset.UtcNow);
        return changed;
    }

    /// <summary>
    /// The shape with each replica on a gone silo moved to the active silo not holding that shard with the fewest
    /// replicas; null when nothing could move. A shard moves only while one of its replicas on an active silo is fresh:
    /// otherwise the gone silo may hold the only complete copy, and its replica stays placed until it returns.
    /// </summary>
    private async Task<ClusterShape?> MovedOffAsync(ClusterShape shape, HashSet<string> gone, HashSet<string> active)
    {
        var placement = shape.Placement.Select(p => p.ToArray()).ToArray();
        var load = active.ToDictionary(s => s, s => placement.Sum(p => p.Count(x => x == s)), StringComparer.Ordinal);
        var moved = new List<(int Shard, string From, string To)>();
        for (int shard = 0; shard < placement.Length; shard++)
        {
            if (!placement[shard].Any(gone.Contains)) continue;
            var health = GrainFactory.GetGrain<IShardHealthGrain>(shard);
            var stale = (await health.StaleSilos()).ToHashSet(StringComparer.Ordinal);
            if (!placement[shard].Any(s => active.Contains(s) && !stale.Contains(s)))
            {
                log.LogWarning("Shard {Shard} has no fresh replica on an active silo; its replicas on {Gone} stay placed until they return", shard, string.Join(", ", placement[shard].Where(gone.Contains)));
                continue;
            }
            var arrivals = new List<string>();
            for (int r = 0; r < placement[shard].Length; r++)
            {
                if (!gone.Contains(placement[shard][r])) continue;
                var target = load.Keys.Where(s => !placement[shard].Contains(s)).OrderBy(s => load[s]).ThenBy(s => s, StringComparer.Ordinal).FirstOrDefault();
                if (target is null) break; // every active silo already holds this shard: R cannot be restored yet
                moved.Add((shard, placement[shard][r], target));
                arrivals.Add(target);
                placement[shard][r] = target;
                load[target]++;
            }
            // Marked before the shape names them: a new replica must never answer before it has copied the shard.
            if (arrivals.Count > 0) await health.MarkStale([.. arrivals]);
        }
        if (moved.Count == 0) return null;
        foreach (var (shard, from, to) in moved)
            log.LogWarning("Replica of shard {Shard} moves from {From}, gone past the grace period, to {To}", shard, from, to);
        return new ClusterShape
        {
            Shards = shape.Shards, Replicas = shape.Replicas, Model = shape.Model, Index = shape.Index,
            Placement = placement, Version = shape.Version + 1,
        };
    }

    private HashSet<string> ActiveSilos() => membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status == SiloStatus.Active).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
}

[GenerateSerializer]
internal sealed class ClusterShapeState
{
    [Id(0)] public ClusterShape? Shape { get; set; }

    /// <summary>Silos of the placement not active, and since when this grain has seen them so.</summary>
    [Id(1)] public Dictionary<string, DateTimeOffset> MissingSince { get; set; } = new(StringComparer.Ordinal);
}
