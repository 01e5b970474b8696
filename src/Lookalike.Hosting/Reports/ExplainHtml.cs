using System.Globalization;
using System.Net;
using System.Text;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Explain;

namespace Lookalike.Hosting.Reports;

/// <summary>
/// An <see cref="Explanation"/> as static HTML: both photos with their heat-maps laid over the part of the photo the
/// grid covers (red = drives the score most, blue = little, dark violet = takes away), the shared metadata and the colour swatches. No script.
/// </summary>
public sealed class ExplainHtml(IImageDecoder decoder, int photoWidth = 220)
{
    /// <summary>The CSS the fragments need, once per page.</summary>
    public static string Style => """
        .explain { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-start; margin-top: 12px; }
        .explain .photo { position: relative; display: inline-block; overflow: hidden; border-radius: 4px; line-height: 0; }
        .explain .photo img { display: block; }
        .explain .heat { position: absolute; display: grid; }
        .explain .facts { font-size: 13px; min-width: 200px; max-width: 320px; }
        .explain .swatches { display: flex; gap: 4px; margin: 4px 0 8px; }
        .explain .swatch { width: 28px; height: 28px; border-radius: 4px; border: 1px solid #ccc; font-size: 9px; line-height: 28px; text-align: center; }
        .explain .same { color: #1a7f37; } .explain .differs { color: #9a6700; }
        """;

    /// <summary>A self-contained page with one explanation.</summary>
    public string Page(Explanation explanation, string? queryPhoto, string? resultPhoto, string title)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        return $$"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{Encode(title)}}</title>
            <style>
            body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; background: #fafafa; }
            h1 { font-size: 22px; margin: 0 0 4px; }
            {{Style}}
            </style></head><body>
            <h1>{{Encode(title)}}</h1>
            {{Fragment(explanation, queryPhoto, resultPhoto)}}
            </body></html>

            """;
    }

    /// <summary>One explanation as a <c>div.explain</c>: query photo, result photo, then the facts.</summary>
    public string Fragment(Explanation explanation, string? queryPhoto, string? resultPhoto)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        float scale = Math.Max(MaxAbs(explanation.Query.Grid), MaxAbs(explanation.Result.Grid));
        var html = new StringBuilder("<div class=\"explain\">");
        Photo(html, explanation.Query, queryPhoto, scale, "query");
        Photo(html, explanation.Result, resultPhoto, scale, "result");
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"facts\"><b>score {explanation.Score:0.000}</b> · {Encode(explanation.Method)} split<br>");
        foreach (var m in explanation.Metadata)
        {
            html.Append(m.Same
                ? $"<span class=\"same\">same {Encode(m.Column)}: {Encode(m.QueryValue)}</span><br>"
                : $"<span class=\"differs\">{Encode(m.Column)}: {Encode(m.QueryValue)} vs {Encode(m.ResultValue)}</span><br>");
        }
        Swatches(html, "query colours", explanation.Query.Colours);
        Swatches(html, "result colours", explanation.Result.Colours);
        html.Append("</div></div>");
        return html.ToString();
    }

    private void Photo(StringBuilder html, ExplainedPhoto side, string? path, float scale, string label)
    {
        string? uri = Thumbnail(path);
        html.Append(CultureInfo.InvariantCulture, $"<figure style=\"margin:0\"><div class=\"photo\" title=\"{label}\">");
        html.Append(uri is null
            ? $"<div style=\"width:{photoWidth}px;height:{photoWidth}px;background:#eee\"></div>"
            : $"<img alt=\"{label}\" src=\"{uri}\" style=\"width:{photoWidth}px\">");
        FractionRect a = side.Area;
        html.Append(CultureInfo.InvariantCulture,
            $"<div class=\"heat\" style=\"left:{a.X * 100:0.###}%;top:{a.Y * 100:0.###}%;width:{a.Width * 100:0.###}%;height:{a.Height * 100:0.###}%;grid-template-columns:repeat({side.Cols},1fr);grid-template-rows:repeat({side.Rows},1fr)\">");
        foreach (float[] row in side.Grid)
            foreach (float cell in row)
                html.Append(CultureInfo.InvariantCulture, $"<div style=\"background:{HeatColour(cell, scale)}\"></div>");
        html.Append(CultureInfo.InvariantCulture, $"</div></div><figcaption style=\"font-size:12px\">{label}{(side.Id is null ? "" : ": " + Encode(side.Id))}</figcaption></figure>");
    }

    /// <summary>
    /// Heat-map colours as on the page: blue (adds little) through green and yellow to red (adds most), relative to the
    /// largest cell; cells that take from the score are dark violet.
    /// </summary>
    public static string HeatColour(float value, float scale)
    {
        double t = scale > 0 ? Math.Clamp(value / scale, -1, 1) : 0;
        return t >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"hsla({Math.Round(240 * (1 - t))},100%,50%,{0.3 + 0.25 * t:0.###})")
            : string.Create(CultureInfo.InvariantCulture, $"hsla(270,80%,18%,{0.3 - 0.35 * t:0.###})");
    }

    private static void Swatches(StringBuilder html, string title, IReadOnlyList<ColourSwatch> colours)
    {
        html.Append(CultureInfo.InvariantCulture, $"{Encode(title)}<div class=\"swatches\">");
        foreach (var c in colours)
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"swatch\" style=\"background:{c.Hex};color:{(c.R * 0.3 + c.G * 0.59 + c.B * 0.11 > 140 ? "#000" : "#fff")}\" title=\"{c.Hex} {c.Share:P0}\">{c.Share * 100:0}%</div>");
        html.Append("</div>");
    }

    private static float MaxAbs(float[][] grid) => grid.SelectMany(r => r).Select(Math.Abs).DefaultIfEmpty(0).Max();

    private string? Thumbnail(string? path) => ReportImages.ThumbnailDataUri(decoder, path, photoWidth * 2);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
