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
}
