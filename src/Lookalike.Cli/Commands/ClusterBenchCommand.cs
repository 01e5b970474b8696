using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Cluster;
using Lookalike.Cluster.Benchmarks;
using Lookalike.Cluster.Client;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Query;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike cluster bench</c>: a bounded stream of item-id queries against a cluster (or, for the baseline, a
/// local store), optionally checked against a local store's exact answers — the overhead and fault figures of docs/scale-out.md.
/// </summary>
internal static class ClusterBenchCommand
{
    public static Command Create()
    {
        var cluster = ClusterOptions.Cluster();
        var store = CommonOptions.Store();
        var queries = new Option<string>("--queries") { Description = "File with one item id a line (e.g. the ids file of the import).", Required = true };
        var duration = new Option<int>("--seconds") { Description = "How long the stream runs (default 60).", DefaultValueFactory = _ => 60 };
        var connections = new Option<int>("--connections") { Description = "Concurrent query loops (default 8).", DefaultValueFactory = _ => 8 };
        var retries = new Option<int>("--retries") { Description = "Retries per failed query (default 2).", DefaultValueFactory = _ => 2 };
        var expect = new Option<string?>("--expect-store") { Description = "A local store holding the same items: every cluster answer is compared with its exact answer." };
        var k = CommonOptions.K(10);
        var command = new Command("bench", "Run a bounded query stream against the cluster (--cluster) or a local store (--store); prints JSON.")
        {
            cluster, store, queries, duration, connections, retries, expect, k,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var ids = (await SimilarCommand.ReadBatchAsync(parse.GetValue(queries)!, cancellationToken)).ToList();
            if (parse.GetValue(connections) is < 1 or > 256) throw LookalikeException.InvalidArgument("connections", "--connections must be 1–256.");
            int topK = parse.GetValue(k);
            using var oracle = parse.GetValue(expect) is { } expected ? LocalQuery(expected) : null;
            Func<string, SimilarResult>? check = oracle is null ? null : id => oracle.Service.Similar(id, topK);
            QueryDrillReport report;
            var span = TimeSpan.FromSeconds(parse.GetValue(duration));
            if (parse.GetValue(cluster) is { } connection)
            {
                await using var session = await ClusterSession.OpenAsync(ClusterConnection.Parse(connection), cancellationToken);
                report = await QueryDrill.RunAsync(id => session.Search.SimilarAsync(id, topK, []), ids, span, parse.GetValue(connections), parse.GetValue(retries), check, cancellationToken);
            }
            else
            {
                using var local = LocalQuery(parse.GetValue(store));
                report = await QueryDrill.RunAsync(id => Task.FromResult(local.Service.Similar(id, topK)), ids, span, parse.GetValue(connections), parse.GetValue(retries), check, cancellationToken);
            }
            JsonOutput.WriteLine(report);
            return report.Failed == 0 && report.Mismatched == 0 ? CommandRunner.Ok : CommandRunner.BadInput;
        }));
        return command;
    }

    /// <summary>A local store's exact query service (the single-machine answer).</summary>
    private static QueryContext LocalQuery(string? store) => QueryContext.Open(store, model: null, indexSpec: IndexSpec.Exact.ToString());
}
