using System.Globalization;
using Lookalike.Core.Catalog;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Reports;

namespace Lookalike.Hosting.Evaluation;

/// <summary>
/// The worst queries of a <see cref="RetrievalReport"/> as image strips (the <see cref="HtmlReport"/> page): each query
/// with its label and AP beside its top-k, every result captioned with its label and ✓ (relevant) or ✗.
/// </summary>
public static class RetrievalHtmlReport
{
    public static string Render(RetrievalReport report, IReadOnlyDictionary<ItemId, CatalogItem> items, IImageDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(items);
        var strips = report.Worst.Select(outcome =>
        {
            items.TryGetValue(outcome.Query, out var query);
            var description = new QueryDescription
            {
                Kind = "item",
                Id = outcome.Query.Value,
                Path = query?.Path,
                Metadata = new Dictionary<string, string>
                {
                    [report.LabelColumn] = outcome.Label,
                    ["ap"] = string.Create(CultureInfo.InvariantCulture, $"AP@{report.K} {outcome.AveragePrecision:0.000}"),
                },
            };
            var results = outcome.Results.Select((hit, i) =>
            {
                items.TryGetValue(hit.Id, out var item);
                string label = item?.Metadata.GetValueOrDefault(report.LabelColumn) ?? "";
                return new RankedItem(i + 1, hit.Id.Value, item?.Path ?? "", hit.Score, new Dictionary<string, string>
                {
                    [report.LabelColumn] = (label == outcome.Label ? "✓ " : "✗ ") + label,
                });
            }).ToList();
            return new SimilarResult(description, results);
        }).ToList();
        var o = report.Overall;
        string subtitle = string.Create(CultureInfo.InvariantCulture,
            $"{report.Pipeline} · label {report.LabelColumn} · {o.Queries:N0} queries over {report.Items:N0} items · P@{report.K} {o.Precision:0.000} · R@{report.K} {o.Recall:0.000} · mAP@{report.K} {o.Map:0.000} · nDCG@{report.K} {o.Ndcg:0.000} — the {strips.Count} worst queries (lowest AP) first");
        return new HtmlReport(decoder).Render("Retrieval evaluation: worst queries", strips, subtitle);
    }
}
