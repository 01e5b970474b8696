namespace Lookalike.Cluster.Contracts;

/// <summary>An item as it travels to and from a shard: the store's fields and its unit vector.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardItem
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string Path { get; init; }

    [Id(2)] public required string ContentHash { get; init; }

    [Id(3)] public required long SizeBytes { get; init; }

    [Id(4)] public required DateTimeOffset ModifiedUtc { get; init; }

    [Id(5)] public required Dictionary<string, string> Metadata { get; init; }

    /// <summary>The recorded model id (<c>name@fingerprint</c>).</summary>
    [Id(6)] public required string Model { get; init; }

    [Id(7)] public required float[] Vector { get; init; }
}
