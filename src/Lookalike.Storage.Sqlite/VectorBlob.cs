using System.Runtime.InteropServices;

namespace Lookalike.Storage.Sqlite;

/// <summary>float32 little-endian vectors as SQLite BLOBs.</summary>
internal static class VectorBlob
{
    public static byte[] ToBytes(ReadOnlySpan<float> vector)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Big-endian hosts are not supported.");
        return MemoryMarshal.AsBytes(vector).ToArray();
    }

    public static float[] FromBytes(byte[] blob, int dimension, string itemId)
    {
        if (blob.Length != dimension * sizeof(float))
            throw new InvalidDataException($"Item '{itemId}' has a {blob.Length}-byte vector; expected {dimension} float32 values.");
        var vector = new float[dimension];
        blob.AsSpan().CopyTo(MemoryMarshal.AsBytes(vector.AsSpan()));
        return vector;
    }
}
