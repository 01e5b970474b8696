using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike similar &lt;image-path|item-id&gt;</c> and <c>similar --batch FILE</c>.</summary>
internal static class SimilarCommand
{
    public static Command Create()
    {
        var query = new Argument<string?>("query")
        {
            Description = "An item id from the store, or any image file.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var batch = new Option<string?>("--batch") { Description = "File with one image path or item id a line; prints one JSON line per query." };
        var k = CommonOptions.K(5);
        var where = CommonOptions.Where();
        var store = CommonOptions.Store();
        var model = CommonOptions.Model();
        var index = CommonOptions.Index();
        var json = CommonOptions.Json();
        var rerank = CommonOptions.Rerank();
        var box = new BoxOptions();
        var cluster = ClusterOptions.Cluster();
        var command = new Command("similar", "Show the catalog items that look most like a photo or an item.")
        {
            query, batch, k, where, store, model, index, rerank, box.Pixels, box.Fractions, json, cluster,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            string? single = parse.GetValue(query);
            string? batchFile = parse.GetValue(batch);
            if ((single is null) == (batchFile is null))
                throw LookalikeException.InvalidArgument("query", "Give either a query (image path or item id) or --batch FILE.");
            var filter = ItemFilter.Parse(parse.GetValue(where) ?? []);
            var region = box.Parse(parse);
            if (parse.GetValue(cluster) is { } connection)
            {
                if (region is not null) throw LookalikeException.InvalidArgument("box", "--box and --box-frac are not supported with --cluster yet.");
                return await ClusterSimilar.RunAsync(connection, single, batchFile, parse.GetValue(k), parse.GetValue(where) ?? [], parse.GetValue(json), cancellationToken);
            }
            if (region is not null && batchFile is not null)
                throw LookalikeException.InvalidArgument("box", "--box and --box-frac apply to a single query, not to --batch.");
            using var context = QueryContext.Open(parse.GetValue(store), parse.GetValue(model), parse.GetValue(index), parse.GetValue(rerank));
            if (single is not null)
            {
                var result = region is null
                    ? context.Service.Similar(single, parse.GetValue(k), filter)
                    : context.Service.SimilarRegion(single, region, parse.GetValue(k), filter);
                if (parse.GetValue(json)) JsonOutput.WriteLine(result);
                else ResultTable.Write(result);
                return CommandRunner.Ok;
            }
            return await RunBatchAsync(context, batchFile!, parse.GetValue(k), filter, parse.GetValue(json), cancellationToken);
        }));
        return command;
    }

    /// <summary>The queries of a batch file: one a line, blank lines and <c>#</c> comments skipped.</summary>
    internal static async Task<List<string>> ReadBatchAsync(string batchFile, CancellationToken cancellationToken)
    {
        if (!File.Exists(batchFile)) throw LookalikeException.NotFound(batchFile, $"Batch file not found: {batchFile}");
        var queries = new List<string>();
        await foreach (string raw in File.ReadLinesAsync(batchFile, cancellationToken))
        {
            string line = raw.Trim();
            if (line.Length > 0 && !line.StartsWith('#')) queries.Add(line);
        }
        return queries;
    }

    private static async Task<int> RunBatchAsync(QueryContext context, string batchFile, int k, ItemFilter filter, bool json, CancellationToken cancellationToken)
    {
        var queries = await ReadBatchAsync(batchFile, cancellationToken);
        // All queries are searched together (one matrix–matrix product); a bad line gets an error line of its own.
        int failed = 0;
        foreach (var answer in context.Service.SimilarBatch(queries, k, filter))
        {
            if (answer.Result is { } result)
            {
                if (json) JsonOutput.WriteLine(result);
                else ResultTable.Write(result);
                continue;
            }
            failed++;
            var e = answer.Error!;
            if (json) JsonOutput.WriteLine(new { query = new { kind = "unknown", path = answer.Query }, error = new { kind = e.Kind.ToString(), message = e.Message } });
            else await Console.Error.WriteLineAsync($"error: {answer.Query}: {e.Message}");
        }
        if (failed > 0) await Console.Error.WriteLineAsync($"{failed} quer{(failed == 1 ? "y" : "ies")} failed");
        return failed > 0 ? CommandRunner.BadInput : CommandRunner.Ok;
    }
}
