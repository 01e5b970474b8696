using System.Text;

namespace Lookalike.Cluster;

/// <summary>
/// Which shard owns an item: FNV-1a (64-bit) of the id's UTF-8 bytes, modulo the shard count. Stable across
/// processes, machines and .NET versions (unlike <see cref="string.GetHashCode()"/>, randomised per process).
/// </summary>
public static class ShardMap
{
    public static int ShardOf(string itemId, int shards)
    {
        ArgumentNullException.ThrowIfNull(itemId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shards);
        return (int)(Fnv1a64(itemId) % (ulong)shards);
    }

    internal static ulong Fnv1a64(string text)
    {
        const ulong offset = 14695981039346656037, prime = 1099511628211;
        Span<byte> buffer = text.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        int length = Encoding.UTF8.GetBytes(text, buffer);
        ulong hash = offset;
        foreach (byte b in buffer[..length]) hash = (hash ^ b) * prime;
        return hash;
    }
}
