namespace Lookalike.Cluster.Contracts;

/// <summary>One photo for a silo to embed (<see cref="IShardReplicaGrain.Embed"/>): where it is, as the silo reads it, and what the item carries.</summary>
[GenerateSerializer, Immutable]
public sealed class IndexWork
{
    [Id(0)] public required string Id { get; init; }

    /// <summary>Absolute path, readable by the silo (a shared path when silos run on other machines).</summary>
    [Id(1)] public required string Path { get; init; }

    [Id(2)] public required Dictionary<string, string> Metadata { get; init; }
}

/// <summary>What a silo made of a batch of <see cref="IndexWork"/>: items with vectors, and the photos it could not use.</summary>
[GenerateSerializer, Immutable]
public sealed class IndexOutcome
{
    [Id(0)] public required ShardItem[] Items { get; init; }

    [Id(1)] public required IndexFailure[] Failures { get; init; }
}

[GenerateSerializer, Immutable]
public sealed class IndexFailure
{
    [Id(0)] public required string Path { get; init; }

    /// <summary>The error kind's name (<c>ImageUnreadable</c>, <c>NotFound</c>, …).</summary>
    [Id(1)] public required string Kind { get; init; }

    [Id(2)] public required string Message { get; init; }
}
