using System.Text.Json;
using Lookalike.TestKit;

namespace Lookalike.Cli.Tests;

/// <summary>Bring-your-own vectors, HNSW through the CLI, and the search benchmark's JSON lines.</summary>
public sealed class VectorsAndBenchTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    // bench search --n 4000 --dim 33 --queries 40 --index hnsw(m=8,efc=32,ef=32,dtype=i8): recall@10 0.78–0.84 over
    // 8 runs (the data is seeded; USearch's parallel build is not). Floor = lowest measured − 0.08.
    private const double HnswRecallFloor = 0.70;

    [Fact]
    public void SynthExportImport_ThenSimilarWithHnsw_Works()
    {
        var synth = CliRunner.Run(_dir.Path, "vectors", "synth", "--n", "3000", "--dim", "24", "--store", "a");
        Assert.True(synth.ExitCode == 0, synth.Stderr);
        var export = CliRunner.Run(_dir.Path, "export", "--out", "v.npy", "--store", "a");
        Assert.True(export.ExitCode == 0, export.Stderr);

        var import = CliRunner.Run(_dir.Path, "vectors", "import", "v.npy", "--ids", "v.ids.txt", "--model-name", "faiss-user", "--store", "b",
            "--index", "hnsw(m=16,efc=64,ef=64,dtype=f16)");
        Assert.True(import.ExitCode == 0, import.Stderr);
        Assert.Contains("imported 3,000 vectors", import.Stderr);
        Assert.Contains("index hnsw(m=16,efc=64,ef=64,dtype=f16): 3,000 items", import.Stderr);

        var similar = CliRunner.Run(_dir.Path, "similar", "synthetic/0000010", "-k", "5", "--json", "--store", "b", "--index", "hnsw(m=16,efc=64,ef=64,dtype=f16)");
        Assert.True(similar.ExitCode == 0, similar.Stderr);
        Assert.Contains("loaded from cache", similar.Stderr);
        var results = JsonDocument.Parse(similar.Stdout).RootElement.GetProperty("results");
        Assert.Equal(5, results.GetArrayLength());

        var exact = CliRunner.Run(_dir.Path, "similar", "synthetic/0000010", "-k", "5", "--json", "--store", "b", "--index", "exact");
        var exactIds = JsonDocument.Parse(exact.Stdout).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        var hnswIds = results.EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.True(exactIds.Intersect(hnswIds).Count() >= 4, "HNSW top-5 should agree with exact on a small store");

        var info = CliRunner.Run(_dir.Path, "info", "--json", "--store", "b");
        Assert.StartsWith("faiss-user@", JsonDocument.Parse(info.Stdout).RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public void Synth_SameSeedInTwoProcesses_WritesIdenticalVectors()
    {
        // 700 rows span two generator streams; each store is written and exported by its own processes.
        string[] Export(string store, string seed)
        {
            var synth = CliRunner.Run(_dir.Path, "vectors", "synth", "--n", "700", "--dim", "24", "--seed", seed, "--store", store);
            Assert.True(synth.ExitCode == 0, synth.Stderr);
            var export = CliRunner.Run(_dir.Path, "export", "--out", store + ".npy", "--store", store);
            Assert.True(export.ExitCode == 0, export.Stderr);
            return [Convert.ToHexString(File.ReadAllBytes(_dir.Combine(store + ".npy"))), File.ReadAllText(_dir.Combine(store + ".ids.txt"))];
        }
        string[] first = Export("a", "7"), second = Export("b", "7"), other = Export("c", "8");
        Assert.Equal(first[1], second[1]);
        Assert.True(first[0] == second[0], "vectors synth --seed 7 wrote different vectors in two processes");
        Assert.NotEqual(first[0], other[0]);
    }

    [Fact]
    public void Index_WithoutFolder_BuildsTheStoresHnswWithProgress()
    {
        Assert.Equal(0, CliRunner.Run(_dir.Path, "vectors", "synth", "--n", "2000", "--dim", "16", "--store", "s").ExitCode);
        var build = CliRunner.Run(_dir.Path, "index", "--store", "s", "--index", "hnsw(m=8,efc=32,ef=32,dtype=i8)");
        Assert.True(build.ExitCode == 0, build.Stderr);
        Assert.Contains("building hnsw(m=8,efc=32,ef=32,dtype=i8)", build.Stderr);
        Assert.Contains("2,000/2,000", build.Stderr);
        var info = JsonDocument.Parse(CliRunner.Run(_dir.Path, "info", "--json", "--store", "s").Stdout).RootElement;
        Assert.Equal(2000, info.GetProperty("index_cache").GetProperty("count").GetInt32());
        Assert.Equal(1, CliRunner.Run(_dir.Path, "index", "--store", "s").ExitCode); // neither folder nor --index
    }

    [Fact]
    public void Import_IntoStoreOfOtherModel_IsClearError()
    {
        Assert.Equal(0, CliRunner.Run(_dir.Path, "vectors", "synth", "--n", "50", "--dim", "8", "--store", "a").ExitCode);
        Assert.Equal(0, CliRunner.Run(_dir.Path, "export", "--out", "v.npy", "--store", "a").ExitCode);
        var result = CliRunner.Run(_dir.Path, "vectors", "import", "v.npy", "--ids", "v.ids.txt", "--model-name", "other", "--store", "a");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("holds vectors of model", result.Stderr);
    }

    [Fact]
    public void BenchSearch_Json_HasEveryField()
    {
        var result = CliRunner.Run(_dir.Path, "bench", "search", "--n", "4000", "--dim", "33", "--queries", "40", "--json",
            "--index", "exact", "--index", "hnsw(m=8,efc=32,ef=32,dtype=i8)");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (string line in lines)
        {
            var row = JsonDocument.Parse(line).RootElement;
            foreach (string field in new[] { "n", "dim", "index", "build_s", "qps_1t", "qps_2t", "p50_ms", "p99_ms", "recall_at_10", "bytes_per_item", "mem_bw_gbs", "scan_gbs" })
                Assert.True(row.TryGetProperty(field, out _), $"missing {field} in {line}");
        }
        var exact = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(1.0, exact.GetProperty("recall_at_10").GetDouble());
        Assert.True(exact.GetProperty("mem_bw_gbs").GetDouble() > 0);
        // The HNSW row is held to its recall against the exact ground truth, not only to having the field.
        var hnsw = JsonDocument.Parse(lines[1]).RootElement;
        Assert.StartsWith("hnsw(", hnsw.GetProperty("index").GetString());
        double recall = hnsw.GetProperty("recall_at_10").GetDouble();
        Assert.True(recall >= HnswRecallFloor, $"hnsw recall@10 {recall:0.000} < {HnswRecallFloor}");
    }

    [Fact]
    public void BenchSearchServed_MeasuresTheStoresCachedGraph_WithoutRebuilding()
    {
        const string Graph = "hnsw(m=8,efc=32,ef=32,dtype=i8)";
        Assert.Equal(0, CliRunner.Run(_dir.Path, "vectors", "synth", "--n", "3000", "--dim", "24", "--store", "a", "--index", Graph).ExitCode);
        // An imported copy is not synthetic: its queries are its own items, each left out of its own answer.
        Assert.Equal(0, CliRunner.Run(_dir.Path, "export", "--out", "v.npy", "--store", "a").ExitCode);
        Assert.Equal(0, CliRunner.Run(_dir.Path, "vectors", "import", "v.npy", "--ids", "v.ids.txt", "--model-name", "mine", "--store", "b", "--index", Graph).ExitCode);

        foreach (string store in new[] { "a", "b" })
        {
            var result = CliRunner.Run(_dir.Path, "bench", "search", "--store", store, "--served", "--queries", "30", "--json",
                "--index", "exact", "--index", "hnsw(m=8,efc=32,ef=64,dtype=i8,rerank=true)");
            Assert.True(result.ExitCode == 0, result.Stderr);
            Assert.Contains("loaded from cache", result.Stderr);
            Assert.DoesNotContain("building", result.Stderr);
            var rows = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
            Assert.Equal(2, rows.Count);
            Assert.All(rows, row => Assert.Equal(3000, row.GetProperty("n").GetInt32()));
            Assert.Equal(1.0, rows[0].GetProperty("recall_at_10").GetDouble()); // the exact answer is its own ground truth, self left out alike
            Assert.True(rows[1].GetProperty("build_cached").GetBoolean());
            double recall = rows[1].GetProperty("recall_at_10").GetDouble();
            Assert.True(recall >= HnswRecallFloor, $"{store}: served hnsw recall@10 {recall:0.000} < {HnswRecallFloor}");
        }
        var unserved = CliRunner.Run(_dir.Path, "bench", "search", "--served", "--queries", "3");
        Assert.Equal(1, unserved.ExitCode); // usage error
        Assert.Contains("--store", unserved.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
