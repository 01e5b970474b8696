using System.Globalization;
using System.Net;
using System.Text;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Query;

namespace Lookalike.Hosting.Reports;

/// <summary>
/// One self-contained HTML page (thumbnails embedded as data URIs): each query beside its top-k look-alikes with
/// scores and labels — what the classic recipe plotted with matplotlib, readable in any browser.
/// </summary>
public sealed class HtmlReport
{
    private readonly IImageDecoder _decoder;
    private readonly int _thumbnailSide;

    public HtmlReport(IImageDecoder decoder, int thumbnailSide = 160)
    {
        _decoder = decoder;
        _thumbnailSide = thumbnailSide;
    }

    /// <param name="explanations">Per result list, per hit (same order): why it looks alike, shown under the row (<c>report --explain</c>); null for none.</param>
    public string Render(string title, IReadOnlyList<SimilarResult> results, string? subtitle = null, IReadOnlyList<IReadOnlyList<Explain.Explanation>>? explanations = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{Encode(title)}}</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }
            h1 { font-size: 22px; margin: 0 0 4px; } .sub { color: #666; margin-bottom: 24px; }
            section { background: #fff; border: 1px solid #e3e3e3; border-radius: 8px; padding: 16px; margin-bottom: 20px; }
            .row { display: flex; gap: 12px; overflow-x: auto; align-items: flex-start; }
            figure { margin: 0; width: {{_thumbnailSide}}px; flex: none; }
            figure img { width: {{_thumbnailSide}}px; height: {{_thumbnailSide}}px; object-fit: contain; background: #f0f0f0; border-radius: 4px; }
            figure.query { border-right: 2px solid #ddd; padding-right: 12px; }
            figcaption { font-size: 12px; word-break: break-all; }
            .score { font-weight: 600; } .label { color: #555; } .rank { color: #999; }
            .missing { width: {{_thumbnailSide}}px; height: {{_thumbnailSide}}px; display: flex; align-items: center; justify-content: center; background: #eee; color: #999; }
            {{(explanations is null ? "" : ExplainHtml.Style)}}
            </style></head><body>
            <h1>{{Encode(title)}}</h1>
            <div class="sub">{{Encode(subtitle ?? "")}}</div>

            """);
        var explainHtml = explanations is null ? null : new ExplainHtml(_decoder, _thumbnailSide);
        for (int q = 0; q < results.Count; q++)
        {
            var result = results[q];
            html.Append("<section><div class=\"row\">");
            string queryCaption = result.Query.Id ?? Path.GetFileName(result.Query.Path ?? "");
            AppendFigure(html, "query", result.Query.Path, $"<b>query</b><br>{Encode(queryCaption)}{Labels(result.Query.Metadata)}");
            foreach (var hit in result.Results)
            {
                AppendFigure(html, "", hit.Path,
                    string.Create(CultureInfo.InvariantCulture,
                        $"<span class=\"rank\">#{hit.Rank}</span> <span class=\"score\">{hit.Score:0.000}</span><br>{Encode(hit.Id)}{Labels(hit.Metadata)}"));
            }
            html.Append("</div>");
            if (explainHtml is not null)
            {
                foreach (var (hit, why) in result.Results.Zip(explanations![q]))
                    html.Append(CultureInfo.InvariantCulture, $"<h3 style=\"font-size:14px;margin:16px 0 0\">why #{hit.Rank} looks alike</h3>").Append(explainHtml.Fragment(why, result.Query.Path, hit.Path));
            }
            html.Append("</section>\n");
        }
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private void AppendFigure(StringBuilder html, string cssClass, string? imagePath, string captionHtml)
    {
        html.Append(CultureInfo.InvariantCulture, $"<figure class=\"{cssClass}\">");
        string? dataUri = Thumbnail(imagePath);
        html.Append(dataUri is null ? "<div class=\"missing\">no image</div>" : $"<img alt=\"\" src=\"{dataUri}\">");
        html.Append(CultureInfo.InvariantCulture, $"<figcaption>{captionHtml}</figcaption></figure>");
    }

    private string? Thumbnail(string? path) => ReportImages.ThumbnailDataUri(_decoder, path, _thumbnailSide * 2);

    private static string Labels(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is null || metadata.Count == 0 ? "" :
        "<br><span class=\"label\">" + Encode(string.Join(" · ", metadata.Where(kv => kv.Key != "id").Take(4).Select(kv => kv.Value))) + "</span>";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
