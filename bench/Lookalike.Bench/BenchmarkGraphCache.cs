using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Search.USearch;

namespace Lookalike.Bench;

/// <summary>
/// HNSW graphs built by <c>lookalike bench search --cache DIR</c>, one file per (data, m, efc, dtype): the name carries
/// a fingerprint of the vectors (count, dimension and a SHA-256 over a spread of 256 rows), a sidecar records the
/// build time. Benchmark-only: the product's cache beside a store is <c>Search/HnswIndexCache</c>.
/// </summary>
internal sealed class BenchmarkGraphCache
{
    private readonly string _graphPath;
    private readonly string _buildTimePath;

    private BenchmarkGraphCache(string graphPath)
    {
        _graphPath = graphPath;
        _buildTimePath = graphPath + ".build_s";
    }

    public static BenchmarkGraphCache For(string folder, IndexSpec spec, float[] data, int n, int dim)
    {
        Directory.CreateDirectory(folder);
        string graph = spec.GraphKey.Replace("(", "-").Replace(")", "").Replace(",", "-").Replace("=", "");
        return new BenchmarkGraphCache(Path.Combine(folder, $"{n}x{dim}-{Fingerprint(data, n, dim)}-{graph}.usearch"));
    }

    /// <summary>
    /// Loads the saved graph into <paramref name="index"/> (read into USearch, or with <paramref name="view"/> memory-mapped
    /// and walked by the managed reader); returns its recorded build seconds, or null when there is none.
    /// </summary>
    public double? TryLoad(HnswVectorIndex index, IReadOnlyList<ItemId> ids, bool view = false)
    {
        if (!File.Exists(_graphPath) || !File.Exists(_buildTimePath)) return null;
        var map = ids.Select((id, i) => ((ulong)i, id)).ToList();
        if (view) index.ViewNative(_graphPath, map);
        else index.LoadNative(_graphPath, map);
        return double.Parse(File.ReadAllText(_buildTimePath), CultureInfo.InvariantCulture);
    }

    public void Save(HnswVectorIndex index, double buildSeconds)
    {
        index.SaveNative(_graphPath);
        File.WriteAllText(_buildTimePath, buildSeconds.ToString("R", CultureInfo.InvariantCulture));
    }

    private static string Fingerprint(float[] data, int n, int dim)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < 256; i++)
        {
            long row = (long)(n - 1) * i / 255;
            sha.AppendData(MemoryMarshal.AsBytes(data.AsSpan((int)(row * dim), dim)));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset())[..12];
    }
}
