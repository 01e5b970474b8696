namespace Lookalike.Cluster.Contracts;

/// <summary>One scatter-gather leg: the query vector (embedded once, by the client), k, the filter and the item to leave out.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardQuery
{
    [Id(0)] public required float[] Vector { get; init; }

    [Id(1)] public required int K { get; init; }

    /// <summary><c>key=value</c> conditions as <c>--where</c> takes them; applied on the shard.</summary>
    [Id(2)] public string[] Where { get; init; } = [];

    [Id(3)] public string? Exclude { get; init; }
}

/// <summary>A shard's top-k, best first.</summary>
[GenerateSerializer, Immutable]
public sealed class ShardAnswer
{
    [Id(0)] public required ShardHit[] Hits { get; init; }

    /// <summary>Filter columns no item of this shard has (the client fails only when every shard lacks one).</summary>
    [Id(1)] public string[] UnknownColumns { get; init; } = [];

    /// <summary>The metadata columns this shard's items have, for the error that names the known ones.</summary>
    [Id(2)] public string[] Columns { get; init; } = [];
}

[GenerateSerializer, Immutable]
public sealed class ShardHit
{
    [Id(0)] public required string Id { get; init; }

    [Id(1)] public required string Path { get; init; }

    [Id(2)] public required float Score { get; init; }

    [Id(3)] public required Dictionary<string, string> Metadata { get; init; }
}

/// <summary>What one replica holds.</summary>
[GenerateSerializer, Immutable]
public sealed class ReplicaStatus
{
    [Id(0)] public required string Silo { get; init; }

    [Id(1)] public required int Shard { get; init; }

    [Id(2)] public required int Items { get; init; }

    [Id(3)] public string? Model { get; init; }

    /// <summary>The replica missed writes and has not caught up yet: it answers no reads.</summary>
    [Id(4)] public bool Stale { get; init; }

    /// <summary>Vector length; 0 while the replica holds nothing.</summary>
    [Id(5)] public int Dimension { get; init; }

    /// <summary>Bytes of the replica's store on its silo's disk.</summary>
    [Id(6)] public long StoreBytes { get; init; }

    /// <summary>The replica store's generation (bumped by every committed write).</summary>
    [Id(7)] public long Generation { get; init; }

    [Id(8)] public int SchemaVersion { get; init; }

    /// <summary>Feedback events this replica holds (of its shard's users).</summary>
    [Id(9)] public int FeedbackEvents { get; init; }

    [Id(10)] public long LastFeedbackSequence { get; init; }
}
