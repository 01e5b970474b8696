namespace Lookalike.Cluster.Contracts;

/// <summary>What <see cref="IShardReplicaGrain.Repair"/> did: where the damaged store was kept, and whether the copy finished.</summary>
[GenerateSerializer, Immutable]
public sealed class ReplicaRepair
{
    /// <summary>The folder the damaged store was moved to (kept, never deleted).</summary>
    [Id(0)] public required string KeptAt { get; init; }

    /// <summary>Items in the replica after copying.</summary>
    [Id(1)] public required int Items { get; init; }

    /// <summary>False when no fresh replica could be copied from yet: the replica stays stale and copies on a later tick.</summary>
    [Id(2)] public required bool CaughtUp { get; init; }
}
