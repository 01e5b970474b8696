namespace Lookalike.Cluster.Contracts;

/// <summary>
/// The one record of the cluster's shape (shards, replicas, model, which silo holds which replica), kept in the
/// cluster's grain storage (Redis). Key: <see cref="ClusterShape.GrainKey"/>.
/// </summary>
public interface IClusterShapeGrain : IGrainWithStringKey
{
    /// <summary>The recorded shape, or null before <c>lookalike cluster init</c>.</summary>
    Task<ClusterShape?> Read();

    /// <summary>
    /// Records the shape once: replicas go to distinct active silos. Asking again for the same shards, replicas, model
    /// and index returns the recorded shape; a different one is refused (the data is already laid out).
    /// </summary>
    Task<ClusterShape> Init(int shards, int replicas, string model, string index);

    /// <summary>
    /// Restores R: each replica on a silo that has not been an active member for <paramref name="grace"/> moves to an
    /// active silo not yet holding that shard (the one holding fewest replicas), marked stale first so it serves only
    /// after copying the shard from a fresh replica. Called by every silo every few seconds; returns the shape as it is
    /// after (null before <c>cluster init</c>).
    /// </summary>
    Task<ClusterShape?> Rebalance(TimeSpan grace);
}
