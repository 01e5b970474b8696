using Orleans.Concurrency;

namespace Lookalike.Cluster.Contracts;

/// <summary>
/// Which replicas of one shard missed writes (key: the shard number), kept in the cluster's grain storage (Redis) so a
/// crash of the writer or of the replica's silo forgets nothing. A writer marks the replicas it is about to write
/// without <em>before</em> it writes to the others; a replica clears its own mark only after copying the shard from a
/// replica that is not marked, and only when no later write missed it meanwhile (the mark's epoch is unchanged).
/// </summary>
public interface IShardHealthGrain : IGrainWithIntegerKey
{
    /// <summary>Marks these silos' replicas of the shard stale, each with a new epoch.</summary>
    Task MarkStale(string[] silos);

    /// <summary>The epoch of this silo's stale mark, or null when its replica is fresh.</summary>
    [ReadOnly]
    Task<long?> StaleEpoch(string silo);

    /// <summary>Clears the mark if it still has <paramref name="epoch"/>; false when a write missed the replica since.</summary>
    Task<bool> MarkFresh(string silo, long epoch);

    /// <summary>The silos whose replicas of this shard are marked stale.</summary>
    [ReadOnly]
    Task<string[]> StaleSilos();
}
