namespace Lookalike.Cluster.Contracts;

/// <summary>A replica grain's key: <c>{silo}/{shard}</c>, so the key alone says which disk holds it.</summary>
public readonly record struct ReplicaKey(string Silo, int Shard)
{
    public override string ToString() => $"{Silo}/{Shard}";

    /// <exception cref="FormatException">The key is not <c>{silo}/{shard}</c>.</exception>
    public static ReplicaKey Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        int slash = key.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(key.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int shard))
            throw new FormatException($"'{key}' is not a replica key ({{silo}}/{{shard}}).");
        return new ReplicaKey(key[..slash], shard);
    }
}
