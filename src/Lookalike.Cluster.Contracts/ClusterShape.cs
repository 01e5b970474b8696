namespace Lookalike.Cluster.Contracts;

/// <summary>How the catalog is laid out: recorded once by <c>lookalike cluster init</c>.</summary>
[GenerateSerializer, Immutable]
public sealed class ClusterShape
{
    /// <summary>The key of the one <see cref="IClusterShapeGrain"/>.</summary>
    public const string GrainKey = "shape";

    [Id(0)] public required int Shards { get; init; }

    [Id(1)] public required int Replicas { get; init; }

    /// <summary>The model name every vector in the cluster is made with (e.g. <c>resnet18+gem3</c>, or an import's <c>--model-name</c>).</summary>
    [Id(2)] public required string Model { get; init; }

    /// <summary>Per shard, the silo names holding its replicas (distinct silos), first to last.</summary>
    [Id(3)] public required string[][] Placement { get; init; }

    /// <summary>The index spec every replica serves from (<c>exact</c>, <c>auto</c>, <c>hnsw(…)</c>), resolved per shard at
    /// its size; null in shapes recorded before the index was chosen, which serve exactly.</summary>
    [Id(4)] public string? Index { get; init; }

    /// <summary>Bumped each time a replica moves to another silo (a silo gone past the grace period): a client that
    /// wrote under an older version re-sends its batch to the replicas added since.</summary>
    [Id(5)] public long Version { get; init; }

    public string IndexOrExact => Index ?? "exact";

    public IEnumerable<ReplicaKey> ReplicasOf(int shard) => Placement[shard].Select(silo => new ReplicaKey(silo, shard));
}
