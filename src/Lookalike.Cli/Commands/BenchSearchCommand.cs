using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.Hosting;
using Lookalike.Bench;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike bench search</c>: build time, QPS (1 and 2 callers, batch), p50/p99 latency, recall@10 against exact,
/// bytes per item and the exact scan's share of the measured memory bandwidth, one JSON line per index spec.
/// </summary>
internal static class BenchSearchCommand
{
    private static readonly bool[] NativeOnly = [false], ManagedOnly = [true], NativeThenManaged = [false, true];

    public static Command Create()
    {
        var n = new Option<int>("--n") { Description = "Synthetic vectors (ignored with --store).", DefaultValueFactory = _ => 1_000_000 };
        var dim = new Option<int>("--dim") { Description = "Dimension of synthetic vectors.", DefaultValueFactory = _ => 512 };
        var queries = new Option<int>("--queries") { Description = "Queries per measurement.", DefaultValueFactory = _ => 1000 };
        var k = CommonOptions.K(10);
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 0 };
        var index = new Option<string[]>("--index")
        {
            Description = "Index spec to measure; repeat for several (default: exact and hnsw(m=16,efc=128,ef=64,dtype=f16)).",
        };
        var store = new Option<string?>("--store") { Description = "Benchmark a store's real vectors instead (queries are held-out items)." };
        var npy = new Option<string?>("--npy") { Description = "Folder with base.npy and queries.npy (as shared/bench/vectors.py writes), to measure on the peers' exact data." };
        var cache = new Option<string?>("--cache") { Description = "Folder to keep built HNSW graphs in and reuse (same vectors, m, efc and dtype), e.g. for an ef sweep or a quiet re-run." };
        var served = new Option<bool>("--served")
        {
            Description = "With --store: measure the store's own index as similar/serve open it (the cached graph viewed, nothing rebuilt or copied; " +
                "queries are fresh draws of vectors synth's generator with --seed for a synthetic store, else every N/q-th item left out of its own answer).",
        };
        var walk = new Option<string>("--walk")
        {
            Description = "With --cache: how a saved HNSW graph is opened — native (read into USearch), managed (memory-mapped and walked " +
                "in place, as a store's cache is), or both (one line each, same run).",
            DefaultValueFactory = _ => "native",
        };
        walk.AcceptOnlyFromAmong("native", "managed", "both");
        var json = CommonOptions.Json();
        var command = new Command("search", "Benchmark exact and HNSW search; prints one JSON line per configuration.")
        {
            n, dim, queries, k, seed, index, store, npy, cache, served, walk, json,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            var given = (parse.GetValue(index) is { Length: > 0 } named ? named : ["exact", "hnsw(m=16,efc=128,ef=64,dtype=f16)"]).Select(IndexSpec.Parse).ToList();
            // On a store as served, auto is what similar/serve would open (the cached graph and its calibrated ef).
            var specs = parse.GetValue(served) ? given : given.Select(s => s.Kind == IndexKind.Auto ? IndexSpec.Exact : s).ToList();
            int q = parse.GetValue(queries), kk = parse.GetValue(k);
            if (q < 1) throw LookalikeException.InvalidArgument("queries", "--queries must be at least 1.");
            if (parse.GetValue(served))
            {
                if (parse.GetValue(store) is not { } servedStore) throw LookalikeException.InvalidArgument("served", "--served measures a store: give --store.");
                await RunServedAsync(servedStore, specs, q, kk, parse.GetValue(seed), parse.GetValue(json));
                return CommandRunner.Ok;
            }
            var (data, count, d, queryData) = parse.GetValue(store) is { } storePath ? FromStore(storePath, q)
                : parse.GetValue(npy) is { } folder ? FromNpy(folder, ref q)
                : Synthetic(parse.GetValue(n), parse.GetValue(dim), q, parse.GetValue(seed));
            await Console.Error.WriteLineAsync($"bench search: {count:N0}×{d} vectors, {q} queries, k={kk}; measuring memory bandwidth…");
            double bandwidth = SearchBenchmark.MeasureBandwidth();
            await Console.Error.WriteLineAsync($"read bandwidth {bandwidth:0.0} GB/s on {Environment.ProcessorCount} cores; exact ground truth…");
            var truth = SearchBenchmark.GroundTruth(data, count, d, queryData, q, kk);
            string walks = parse.GetValue(walk)!;
            if (walks != "native" && parse.GetValue(cache) is null) throw LookalikeException.InvalidArgument("walk", "--walk managed|both opens saved graphs: give --cache.");
            foreach (var spec in specs)
            {
                foreach (bool view in spec.Kind != IndexKind.Hnsw ? NativeOnly : walks switch { "managed" => ManagedOnly, "both" => NativeThenManaged, _ => NativeOnly })
                {
                    await Console.Error.WriteLineAsync($"measuring {spec}{(view ? " (managed walk of the mapped file)" : "")}…");
                    Print(SearchBenchmark.Run(spec, data, count, d, queryData, q, kk, truth, bandwidth, parse.GetValue(cache), view), parse.GetValue(json));
                    GC.Collect();
                }
            }
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static async Task RunServedAsync(string storePath, IReadOnlyList<IndexSpec> specs, int q, int k, int seed, bool json)
    {
        using var store = LookalikeComponents.OpenStore(StoreLocation.Resolve(storePath), create: false);
        var info = store.GetInfo();
        var (queryData, exclude) = ServedStoreBenchmark.Queries(store, q, seed);
        await Console.Error.WriteLineAsync($"bench search --served: {info.Items:N0}×{info.Dimension} vectors in {store.Location}, {q} queries, k={k}; measuring memory bandwidth…");
        double bandwidth = SearchBenchmark.MeasureBandwidth();
        await Console.Error.WriteLineAsync($"read bandwidth {bandwidth:0.0} GB/s on {Environment.ProcessorCount} cores; exact ground truth, scanned in place…");
        var truth = ServedStoreBenchmark.GroundTruth(store, queryData, exclude, k);
        foreach (var spec in specs)
        {
            await Console.Error.WriteLineAsync($"measuring {spec}…");
            Print(ServedStoreBenchmark.Run(store, spec, queryData, exclude, k, truth, bandwidth), json);
            GC.Collect();
        }
    }

    private static void Print(SearchBenchmarkResult result, bool json)
    {
        if (json)
        {
            JsonOutput.WriteLine(result);
            return;
        }
        Console.Out.WriteLine(
            $"{result.Index}: build {result.BuildS:0.00} s{(result.BuildCached ? " (cached)" : "")} · {result.Qps1t:N0} qps (1 caller) · {result.Qps2t:N0} qps (2) · batch {result.QpsBatch:N0} qps · " +
            $"p50 {result.P50Ms:0.000} ms · p99 {result.P99Ms:0.000} ms · recall@10 {result.RecallAt10:0.000} · {result.BytesPerItem:N0} B/item" +
            (result.ScanGbs > 0 ? $" · scan {result.ScanGbs:0.0} GB/s = {result.ScanOfBandwidth:P0} of {result.MemBwGbs:0.0} GB/s" : ""));
    }

    private static (float[] Data, int N, int Dim, float[] Queries) Synthetic(int n, int dim, int q, int seed)
    {
        if (n < 1 || dim < 1) throw LookalikeException.InvalidArgument("n", "--n and --dim must be positive.");
        var generator = new SyntheticVectors(dim, clusters: 1000, seed: seed);
        return (generator.Generate(n, stream: 1), n, dim, generator.Generate(q, stream: 2));
    }

    private static (float[] Data, int N, int Dim, float[] Queries) FromNpy(string folder, ref int q)
    {
        (int Rows, int Dim, float[] Data) Load(string name)
        {
            string path = Path.Combine(folder, name);
            if (!File.Exists(path)) throw LookalikeException.NotFound(path, $"{path} not found.");
            using var stream = File.OpenRead(path);
            return NpyFormat.Read(stream, path);
        }
        var (rows, dim, data) = Load("base.npy");
        var (queryRows, queryDim, queries) = Load("queries.npy");
        if (queryDim != dim) throw LookalikeException.InvalidArgument("npy", $"queries.npy is {queryDim}-d, base.npy {dim}-d.");
        q = Math.Min(q, queryRows);
        return (data, rows, dim, queries);
    }

    private static (float[] Data, int N, int Dim, float[] Queries) FromStore(string storePath, int q)
    {
        using var store = LookalikeComponents.OpenStore(StoreLocation.Resolve(storePath), create: false);
        var info = store.GetInfo();
        if (info.Items <= q) throw LookalikeException.InvalidArgument("queries", $"The store has {info.Items} items; --queries must be fewer.");
        int dim = info.Dimension, n = info.Items - q;
        var data = new float[(long)n * dim];
        var queries = new float[(long)q * dim];
        // Every (N/q)-th item becomes a held-out query; the rest are the catalog.
        int stride = info.Items / q, row = 0, taken = 0, i = 0;
        foreach (var item in store.ReadAll(withVectors: true))
        {
            if (taken < q && i % stride == 0) item.Vector.Span.CopyTo(queries.AsSpan(taken++ * dim, dim));
            else if (row < n) item.Vector.Span.CopyTo(data.AsSpan(row++ * dim, dim));
            i++;
        }
        return (data, row, dim, queries);
    }
}
