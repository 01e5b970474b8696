using System.Diagnostics;
using Lookalike.Hosting.Query;

namespace Lookalike.Cluster.Benchmarks;

/// <summary>What a query stream measured: counts, latency percentiles (ms) and throughput.</summary>
public sealed record QueryDrillReport(long Queries, long Failed, long Mismatched, long Retried, double Seconds, double Qps, double P50Ms, double P99Ms, double MaxMs, IReadOnlyList<string> FirstErrors);

/// <summary>
/// A bounded stream of look-alike queries over item ids for a fixed time, on N concurrent connections: the
/// overhead benchmark and the fault drill of docs/scale-out.md. Each query may be retried (bounded); when an
/// oracle is given each answer is compared with it (ids, order, scores).
/// </summary>
public static class QueryDrill
{
    public static async Task<QueryDrillReport> RunAsync(
        Func<string, Task<SimilarResult>> query, IReadOnlyList<string> ids, TimeSpan duration, int connections, int retries,
        Func<string, SimilarResult>? oracle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0) throw new ArgumentException("No query ids.", nameof(ids));
        long queries = 0, failed = 0, mismatched = 0, retried = 0, next = -1;
        var latencies = new List<double>[connections];
        var errors = new List<string>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = [];
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                string id = ids[(int)(Interlocked.Increment(ref next) % ids.Count)];
                long start = Stopwatch.GetTimestamp();
                SimilarResult? result = null;
                for (int attempt = 0; attempt <= retries && result is null; attempt++)
                {
                    if (attempt > 0) Interlocked.Increment(ref retried);
                    try { result = await query(id); }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        if (attempt == retries) lock (errors) if (errors.Count < 5) errors.Add($"{id}: {e.Message}");
                    }
                }
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                Interlocked.Increment(ref queries);
                if (result is null) { Interlocked.Increment(ref failed); continue; }
                if (oracle is not null && !Same(oracle(id), result)) Interlocked.Increment(ref mismatched);
            }
        }, cancellationToken)));
        double seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new QueryDrillReport(queries, failed, mismatched, retried, seconds, queries / seconds,
            Percentile(all, 0.50), Percentile(all, 0.99), all.Length == 0 ? 0 : all[^1], errors);
    }

    private static bool Same(SimilarResult a, SimilarResult b) =>
        a.Results.Select(r => (r.Id, r.Score)).SequenceEqual(b.Results.Select(r => (r.Id, r.Score)));

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];
}
