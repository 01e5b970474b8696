using Lookalike.Cluster.Contracts;
using Lookalike.Core.Catalog;

namespace Lookalike.Cluster;

/// <summary>Catalog items as the messages shard replicas take and give (<see cref="ShardItem"/>).</summary>
internal static class ShardItems
{
    /// <summary>The item as a shard message carrying <paramref name="vector"/> (the item's own, or the index's copy).</summary>
    public static ShardItem From(CatalogItem item, float[] vector) => new()
    {
        Id = item.Id.Value,
        Path = item.Path,
        ContentHash = item.ContentHash,
        SizeBytes = item.SizeBytes,
        ModifiedUtc = item.ModifiedUtc,
        Metadata = new(item.Metadata),
        Model = item.Model.Value,
        Vector = vector,
    };

    /// <summary>The shard message as a catalog item (with its vector).</summary>
    public static CatalogItem ToCatalogItem(ShardItem item) => new()
    {
        Id = ItemId.Parse(item.Id),
        Path = item.Path,
        ContentHash = item.ContentHash,
        SizeBytes = item.SizeBytes,
        ModifiedUtc = item.ModifiedUtc,
        Metadata = item.Metadata,
        Model = new ModelId(item.Model),
        Vector = item.Vector,
    };
}
