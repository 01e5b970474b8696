using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Hosting;
using Lookalike.Hosting.Ingest;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike demo</c>: the whole job on the bundled sample catalog — index <c>samples/</c> with its labels into the
/// store, print the top-5 look-alikes of a few items, write <c>report.html</c> with one query per class, then serve
/// the web page on the store until Ctrl+C (<c>--no-serve</c> stops after the report).
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var samples = new Option<string?>("--samples") { Description = "Sample catalog folder with labels.csv (default: the repository's samples/)." };
        var store = CommonOptions.Store();
        var output = new Option<string>("--out", "-o") { Description = "Report to write (default report.html).", DefaultValueFactory = _ => "report.html" };
        var noServe = new Option<bool>("--no-serve") { Description = "Stop after the report instead of serving the web page." };
        var urls = ServeCommand.Urls();
        var command = new Command("demo", "Index the bundled sample catalog, show look-alikes, write report.html, then serve the web page.")
        {
            samples, store, output, noServe, urls,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            string folder = parse.GetValue(samples) ?? FindSamples();
            string labels = Path.Combine(folder, "labels.csv");
            var job = new IndexJob { Store = parse.GetValue(store), Folder = folder, Labels = File.Exists(labels) ? labels : null, Prune = true };
            var indexed = await IndexCommand.RunAsync(job, cancellationToken);
            IndexCommand.PrintSummary(indexed.Ingest!);

            using (var opened = CliStore.Open(parse.GetValue(store)))
            {
                // One query per class, the first item of each in id order: deterministic and covers the catalog.
                var perClass = opened.Catalog.ReadAll(withVectors: false)
                    .GroupBy(i => i.Metadata.TryGetValue("class", out var c) ? c : "")
                    .OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => g.First().Id)
                    .ToList();
                var results = perClass.Select(id => opened.Query.SimilarToItem(id, 5)).ToList();
                foreach (var result in results.Take(3))
                {
                    ResultTable.Write(result);
                    Terminal.Out.WriteLine();
                }
                string report = Path.GetFullPath(parse.GetValue(output)!);
                await ReportCommand.WriteAsync(report, results, opened.Location, cancellationToken);
                await Console.Error.WriteLineAsync($"wrote {report} ({results.Count} queries, one per class)");
            } // closed before serving: the server opens the store itself
            if (parse.GetValue(noServe)) return CommandRunner.Ok;
            return await ServeCommand.RunAsync(parse.GetValue(store), parse.GetValue(urls)!, null, null, cancellationToken);
        }));
        return command;
    }

    /// <summary>The repository's samples/ folder: from the working directory, else above the executable.</summary>
    private static string FindSamples()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "samples");
                if (File.Exists(Path.Combine(candidate, "labels.csv"))) return candidate;
            }
        }
        throw LookalikeException.NotFound("samples", "Cannot find the sample catalog (samples/labels.csv); pass --samples DIR.");
    }

}
