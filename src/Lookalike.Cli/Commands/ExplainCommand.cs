using System.CommandLine;
using System.Globalization;
using Lookalike.Cli.Output;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting;
using Lookalike.Hosting.Explain;
using Lookalike.Hosting.Reports;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike explain A B [--out explain.html]</c>: why catalog item B looks like A (an item or an image file).</summary>
internal static class ExplainCommand
{
    public static Command Create()
    {
        var query = new Argument<string>("query") { Description = "An item id from the store, or any image file." };
        var result = new Argument<string>("result") { Description = "The item id of the look-alike to explain." };
        var output = new Option<string?>("--out", "-o") { Description = "Also write an HTML page with both heat-maps, shared metadata and colours." };
        var box = new BoxOptions();
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var command = new Command("explain", "Show why two photos look alike: which regions of each drive the score, shared metadata, dominant colours.")
        {
            query, result, output, box.Pixels, box.Fractions, store, json,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            var region = box.Parse(parse);
            // The model is the store's (explain reads its feature maps); --model is not needed.
            using var opened = CliStore.Open(parse.GetValue(store));
            using var explain = new ExplainService(opened.Query, LookalikeComponents.CreateDecoder());
            var (explanation, queryPath) = explain.Explain(parse.GetValue(query)!, ItemId.Parse(parse.GetValue(result)!), region);
            if (parse.GetValue(output) is { } outPath)
            {
                string path = Path.GetFullPath(outPath);
                string html = new ExplainHtml(LookalikeComponents.CreateDecoder(), 320).Page(explanation, queryPath, explain.Item(ItemId.Parse(parse.GetValue(result)!)).Path,
                    $"Why {parse.GetValue(result)} looks like {Path.GetFileName(parse.GetValue(query))}");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, html, cancellationToken);
                await Console.Error.WriteLineAsync($"wrote {path}");
            }
            if (parse.GetValue(json)) JsonOutput.WriteLine(explanation);
            else Write(explanation);
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static void Write(Explanation e)
    {
        Terminal.Out.MarkupLineInterpolated($"[bold]score {e.Score.ToString("0.000", CultureInfo.InvariantCulture)}[/] ({e.Method} split, model {e.Model})");
        foreach (var m in e.Metadata)
            Terminal.Out.MarkupLine(Markup.Escape(m.Same ? $"same {m.Column}: {m.QueryValue}" : $"{m.Column}: {m.QueryValue} vs {m.ResultValue}"));
        foreach (var (label, side) in new[] { ("query", e.Query), ("result", e.Result) })
        {
            Terminal.Out.MarkupLineInterpolated($"[bold]{label}[/] {side.Id ?? ""} colours: {string.Join(" ", side.Colours.Select(c => $"{c.Hex} {c.Share:P0}"))}");
            var table = new Table().Border(TableBorder.Simple).HideHeaders();
            for (int c = 0; c < side.Cols; c++) table.AddColumn(new TableColumn("").RightAligned());
            foreach (float[] row in side.Grid)
                table.AddRow(row.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)).ToArray());
            Terminal.Out.Write(table);
        }
    }
}
