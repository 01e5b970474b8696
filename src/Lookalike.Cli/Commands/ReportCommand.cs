using System.CommandLine;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Reports;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike report &lt;query&gt;... --out report.html</c>: a self-contained page of queries and their look-alikes.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var queries = new Argument<string[]>("queries") { Description = "Item ids or image files.", Arity = ArgumentArity.OneOrMore };
        var k = CommonOptions.K(5);
        var where = CommonOptions.Where();
        var output = new Option<string>("--out", "-o") { Description = "HTML file to write (default report.html).", DefaultValueFactory = _ => "report.html" };
        var store = CommonOptions.Store();
        var cluster = ClusterOptions.Cluster();
        var model = CommonOptions.Model();
        var explain = new Option<bool>("--explain") { Description = "Under each row, why each look-alike looks alike: heat-maps over both photos, shared metadata, colours (re-reads every photo)." };
        var command = new Command("report", "Write an HTML page showing each query beside its top-k look-alikes.")
        {
            queries, k, where, output, store, cluster, model, explain,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var filter = ItemFilter.Parse(parse.GetValue(where) ?? []);
            using var opened = CliStore.Open(parse.GetValue(store), parse.GetValue(model), cluster: parse.GetValue(cluster));
            var asked = parse.GetValue(queries)!;
            var results = asked.Select(q => opened.Query.Similar(q, parse.GetValue(k), filter)).ToList();
            IReadOnlyList<IReadOnlyList<Hosting.Explain.Explanation>>? explanations = null;
            if (parse.GetValue(explain))
            {
                using var explainer = new Hosting.Explain.ExplainService(opened.Query, LookalikeComponents.CreateDecoder());
                explanations = results.Select((r, i) => (IReadOnlyList<Hosting.Explain.Explanation>)r.Results
                    .Select(hit => explainer.Explain(asked[i], Core.Catalog.ItemId.Parse(hit.Id)).Explanation).ToList()).ToList();
            }
            string path = Path.GetFullPath(parse.GetValue(output)!);
            // A cluster is named by its address (its client's own folder is no store).
            await WriteAsync(path, results, parse.GetValue(cluster) is null ? opened.Location : opened.Catalog.GetInfo().Location, cancellationToken, explanations);
            await Console.Error.WriteLineAsync($"wrote {path}");
            return CommandRunner.Ok;
        }));
        return command;
    }

    public static async Task WriteAsync(string path, IReadOnlyList<Hosting.Query.SimilarResult> results, string storeLocation, CancellationToken cancellationToken,
        IReadOnlyList<IReadOnlyList<Hosting.Explain.Explanation>>? explanations = null)
    {
        var report = new HtmlReport(LookalikeComponents.CreateDecoder());
        string html = report.Render("Lookalike — look-alikes", results, $"store {storeLocation} · {results.Count} queries · cosine similarity of ResNet embeddings", explanations);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, html, cancellationToken);
    }
}
