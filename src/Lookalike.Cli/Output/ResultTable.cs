using System.Globalization;
using Lookalike.Hosting.Query;
using Spectre.Console;

namespace Lookalike.Cli.Output;

/// <summary>A <c>similar</c> answer as a table on stdout.</summary>
internal static class ResultTable
{
    public static void Write(SimilarResult result)
    {
        string query = (result.Query.Kind == "item" ? $"item {result.Query.Id}" : $"image {result.Query.Path}") + (result.Query.Box is { } box ? $", box {box}" : "");
        string labels = result.Query.Metadata is { Count: > 0 } m ? $" ({string.Join(", ", m.Where(kv => kv.Key != "id").Select(kv => $"{kv.Key}={kv.Value}"))})" : "";
        Terminal.Out.MarkupLineInterpolated($"[bold]Look-alikes of {query}[/]{labels}");
        var table = new Table().Border(TableBorder.Simple).AddColumn("rank").AddColumn("id").AddColumn(new TableColumn("score").RightAligned()).AddColumn("metadata");
        foreach (var hit in result.Results)
        {
            table.AddRow(
                hit.Rank.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(hit.Id),
                hit.Score.ToString("0.000", CultureInfo.InvariantCulture),
                Markup.Escape(string.Join(", ", hit.Metadata.Where(kv => kv.Key != "id").Select(kv => $"{kv.Key}={kv.Value}"))));
        }
        Terminal.Out.Write(table);
    }
}
