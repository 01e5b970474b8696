using System.Text.Json;
using Lookalike.Search.USearch;

namespace Lookalike.Hosting.Search;

/// <summary>What the HNSW cache beside a store holds, for <c>info</c>; null when there is none or it is unreadable.</summary>
public sealed record IndexCacheInfo(string Spec, int Count, long StoreGeneration, long FileBytes, IndexCalibration? Calibration)
{
    public static IndexCacheInfo? Read(string storeLocation)
    {
        string folder = HnswIndexCache.Folder(storeLocation);
        string header = Path.Combine(folder, "hnsw.header.json");
        if (!File.Exists(header)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(header));
            var root = document.RootElement;
            long bytes = Directory.EnumerateFiles(folder, "hnsw.*").Sum(f => new FileInfo(f).Length);
            IndexCalibration? calibration = null;
            if (root.TryGetProperty("calibration", out var c) && c.ValueKind == JsonValueKind.Object)
                calibration = new(c.GetProperty("target").GetDouble(), c.GetProperty("recall").GetDouble(), c.GetProperty("ef").GetInt32(), c.GetProperty("queries").GetInt32());
            return new IndexCacheInfo(root.GetProperty("spec").GetString() ?? "?", root.GetProperty("count").GetInt32(),
                root.GetProperty("store_generation").GetInt64(), bytes, calibration);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            return null;
        }
    }
}

/// <summary>How <c>auto</c> chose the cached graph's ef: the recall@10 target, the recall measured with that ef, over how many of the store's items.</summary>
public sealed record IndexCalibration(double Target, double Recall, int Ef, int Queries);
