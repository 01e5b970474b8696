namespace Lookalike.Cluster.Silo;

/// <summary>
/// This silo's name, the folder its replicas' stores live under (<c>--data</c>), and how long a silo may be gone
/// before the replicas it held are rebuilt on the others (<c>--rebuild-after</c>).
/// </summary>
public sealed record SiloData(string Name, string Directory, TimeSpan RebuildAfter)
{
    /// <summary>The store folder of this silo's replica of <paramref name="shard"/>.</summary>
    public string ShardStore(int shard) => Path.Combine(Directory, $"shard-{shard:D4}");
}
