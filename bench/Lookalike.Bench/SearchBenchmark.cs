using System.Diagnostics;
using System.Text.Json.Serialization;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.Search.USearch;

namespace Lookalike.Bench;

/// <summary>One configuration's figures, printed as a JSON line by <c>lookalike bench search</c>.</summary>
public sealed record SearchBenchmarkResult
{
    public required int N { get; init; }
    public required int Dim { get; init; }
    public required string Index { get; init; }
    public required int Queries { get; init; }
    public required int K { get; init; }
    public required double BuildS { get; init; }
    /// <summary>True when the HNSW graph was loaded from <c>--cache</c>; <see cref="BuildS"/> is then the recorded build time.</summary>
    public bool BuildCached { get; init; }
    /// <summary>Queries per second, one caller, one thread per query.</summary>
    [JsonPropertyName("qps_1t")]
    public required double Qps1t { get; init; }
    /// <summary>Queries per second, two concurrent callers.</summary>
    [JsonPropertyName("qps_2t")]
    public required double Qps2t { get; init; }
    /// <summary>Queries per second of one batch call (matrix–matrix product for exact), all cores.</summary>
    public required double QpsBatch { get; init; }
    /// <summary>Single-query latency on an otherwise idle index; exact uses every core for one query.</summary>
    public required double P50Ms { get; init; }
    public required double P99Ms { get; init; }
    /// <summary>
    /// HNSW: CPU time of the calling thread per single query (the whole walk runs on it), mean over the latency loop —
    /// per-thread speed that another process's load on the cores does not inflate (0 where not measurable).
    /// </summary>
    [JsonPropertyName("cpu_us_per_query")]
    public double CpuUsPerQuery { get; init; }
    [JsonPropertyName("recall_at_10")]
    public required double RecallAt10 { get; init; }
    public required double BytesPerItem { get; init; }
    public required double MemBwGbs { get; init; }
    /// <summary>Exact only: bytes of vectors scanned per second by one query using every core (0 for HNSW).</summary>
    public required double ScanGbs { get; init; }
    public required double ScanOfBandwidth { get; init; }
    public required double RssMb { get; init; }
    /// <summary>HNSW only: the SIMD target of USearch's distance kernel for this index's dtype.</summary>
    public string? Simd { get; init; }
    public required int Threads { get; init; }
}

/// <summary>
/// The end-to-end search benchmark: seeded clustered vectors (or a store's), an exact ground truth, then build time,
/// throughput, latency, recall@10 and memory per configuration, with the machine's read bandwidth measured in the same run.
/// </summary>
public static class SearchBenchmark
{
    public static double MeasureBandwidth() => MemoryBandwidth.MeasureReadGBs(Environment.ProcessorCount);

    /// <summary>
    /// Runs one index spec over <paramref name="data"/> (n×dim) with <paramref name="queries"/> (q×dim). With
    /// <paramref name="graphCache"/>, HNSW graphs are saved there after building and reused by later runs with the same
    /// data and build parameters (m, efc, dtype), so an ef sweep or a quiet re-run does not rebuild a million-item graph.
    /// </summary>
    /// <param name="view">With <paramref name="graphCache"/>: open the saved graph as a store's cache is opened —
    /// memory-mapped and walked by the managed reader — instead of reading it into USearch.</param>
    public static SearchBenchmarkResult Run(IndexSpec spec, float[] data, int n, int dim, float[] queries, int q, int k, IReadOnlyList<HashSet<int>> truth, double bandwidth, string? graphCache = null, bool view = false)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ids = Enumerable.Range(0, n).Select(i => ItemId.Parse($"v/{i}")).ToArray();
        var clock = Stopwatch.StartNew();
        IVectorIndex index;
        double? recordedBuildS = null;
        if (spec.Kind == IndexKind.Hnsw)
        {
            // Re-ranking reads the float32 rows in place, as a store's mapped vector file would hand them over.
            var rerank = spec.Rerank ? new RerankVectors(new StoredVectors(new ArrayVectorRows(data, dim), Array.ConvertAll(ids, id => (ItemId?)id), 0)) : null;
            var hnsw = new HnswVectorIndex(dim, spec, rerank);
            var cached = graphCache is null ? null : BenchmarkGraphCache.For(graphCache, spec, data, n, dim);
            if (cached?.TryLoad(hnsw, ids, view) is { } seconds) recordedBuildS = seconds;
            else
            {
                hnsw.AddRange(ids, data.AsSpan(0, n * dim));
                cached?.Save(hnsw, clock.Elapsed.TotalSeconds);
                if (view) recordedBuildS = cached?.TryLoad(hnsw, ids, view);
            }
            index = hnsw;
        }
        else
        {
            var exact = new ExactVectorIndex(dim, n);
            for (int i = 0; i < n; i++) exact.Upsert(ids[i], data.AsSpan(i * dim, dim));
            index = exact;
        }
        double buildS = recordedBuildS ?? clock.Elapsed.TotalSeconds;
        using var _ = index;
        var requests = Enumerable.Repeat(new SearchRequest(k), q).ToArray();
        var figures = Measure(index, queries, q, dim, requests,
            (i, hit) => truth[i].Contains(int.Parse(hit.Id.Value.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture)), bandwidth);
        return figures with { BuildS = Math.Round(buildS, 3), BuildCached = recordedBuildS is not null };
    }

    /// <summary>
    /// Latency one query at a time (exact splits each query over the cores), recall@10 against <paramref name="isRelevant"/>,
    /// throughput with one and two callers and as one batch, and memory, of an index already built or opened.
    /// </summary>
    public static SearchBenchmarkResult Measure(IVectorIndex index, float[] queries, int q, int dim, SearchRequest[] requests, Func<int, SearchHit, bool> isRelevant, double bandwidth)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(isRelevant);
        int k = requests[0].K, n = index.Count;
        var latencies = new double[q];
        var answers = new IReadOnlyList<SearchHit>[q];
        double cpuStart = ThreadCpu.Seconds();
        for (int i = 0; i < q; i++)
        {
            long start = Stopwatch.GetTimestamp();
            answers[i] = index.Search(queries.AsSpan(i * dim, dim), requests[i]);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        double cpuPerQueryUs = index is HnswVectorIndex && cpuStart >= 0 ? (ThreadCpu.Seconds() - cpuStart) / q * 1e6 : 0;
        Array.Sort(latencies);
        double recall = 0;
        for (int i = 0; i < q; i++)
        {
            int query = i;
            recall += answers[i].Take(10).Count(h => isRelevant(query, h)) / (double)Math.Min(10, k);
        }
        recall /= q;

        double qps1 = Throughput(index, queries, q, dim, requests, callers: 1);
        double qps2 = Throughput(index, queries, q, dim, requests, callers: 2);
        var clock = Stopwatch.StartNew();
        index.SearchBatch(queries.AsSpan(0, q * dim), q, requests[0]);
        double qpsBatch = q / clock.Elapsed.TotalSeconds;

        double scanGbs = 0;
        if (index is ExactVectorIndex or MappedExactIndex)
        {
            double meanSeconds = latencies.Average() / 1000;
            scanGbs = (double)n * dim * sizeof(float) / meanSeconds / 1e9;
        }
        return new SearchBenchmarkResult
        {
            N = n,
            Dim = dim,
            Index = index.Spec,
            Queries = q,
            K = k,
            BuildS = 0,
            Qps1t = Math.Round(qps1, 1),
            Qps2t = Math.Round(qps2, 1),
            QpsBatch = Math.Round(qpsBatch, 1),
            P50Ms = Math.Round(latencies[q / 2], 3),
            P99Ms = Math.Round(latencies[Math.Min(q - 1, (int)(q * 0.99))], 3),
            CpuUsPerQuery = Math.Round(cpuPerQueryUs, 1),
            RecallAt10 = Math.Round(recall, 4),
            BytesPerItem = Math.Round(index.MemoryBytes / (double)Math.Max(1, n), 1),
            MemBwGbs = Math.Round(bandwidth, 2),
            ScanGbs = Math.Round(scanGbs, 2),
            ScanOfBandwidth = bandwidth > 0 ? Math.Round(scanGbs / bandwidth, 3) : 0,
            RssMb = Math.Round(Environment.WorkingSet / 1048576.0, 1),
            Simd = (index as HnswVectorIndex)?.HardwareAcceleration,
            Threads = Environment.ProcessorCount,
        };
    }

    /// <summary>Exact top-k ids (row numbers) of every query, from one batch search.</summary>
    public static List<HashSet<int>> GroundTruth(float[] data, int n, int dim, float[] queries, int q, int k)
    {
        using var exact = new ExactVectorIndex(dim, n);
        for (int i = 0; i < n; i++) exact.Upsert(ItemId.Parse($"v/{i}"), data.AsSpan(i * dim, dim));
        return exact.SearchBatch(queries.AsSpan(0, q * dim), q, new SearchRequest(Math.Min(10, k)))
            .Select(hits => hits.Select(h => int.Parse(h.Id.Value.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture)).ToHashSet())
            .ToList();
    }

    private static double Throughput(IVectorIndex index, float[] queries, int q, int dim, SearchRequest[] requests, int callers)
    {
        SetScanThreads(index, 1); // callers, not the scan, use the cores here
        try
        {
            int next = -1;
            var clock = Stopwatch.StartNew();
            Parallel.For(0, callers, new ParallelOptions { MaxDegreeOfParallelism = callers }, _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < q) index.Search(queries.AsSpan(i * dim, dim), requests[i]);
            });
            return q / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            SetScanThreads(index, Environment.ProcessorCount);
        }
    }

    private static void SetScanThreads(IVectorIndex index, int threads)
    {
        if (index is ExactVectorIndex exact) exact.MaxThreads = threads;
        if (index is MappedExactIndex mapped) mapped.MaxThreads = threads;
    }
}

/// <summary>The calling thread's CPU time (Linux <c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>); −1 elsewhere.</summary>
internal static partial class ThreadCpu
{
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double Seconds()
    {
        if (!OperatingSystem.IsLinux()) return -1;
        return ClockGetTime(3, out var time) == 0 ? time.Seconds + time.Nanoseconds * 1e-9 : -1; // 3 = CLOCK_THREAD_CPUTIME_ID
    }
}
