namespace Lookalike.Cluster.Silo;

/// <summary>This silo's name and the folder its replicas' stores live under (<c>--data</c>).</summary>
public sealed record SiloData(string Name, string Directory)
{
    /// <summary>The store folder of this silo's replica of <paramref name="shard"/>.</summary>
    public string ShardStore(int shard) => Path.Combine(Directory, $"shard-{shard:D4}");
}
