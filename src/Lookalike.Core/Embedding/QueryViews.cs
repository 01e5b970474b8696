using System.Text;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Embedding;

/// <summary>One view of a query photo that is embedded on its own (query side only; catalog vectors are unchanged).</summary>
public enum QueryView
{
    /// <summary>The whole photo, as the catalog was embedded.</summary>
    Full,

    /// <summary>
    /// The whole photo's feature map pooled over the located object only (the cells whose channel-summed activation is
    /// above the map's mean, largest connected part): no second network run.
    /// </summary>
    Mask,

    /// <summary>The square around the located object (as <see cref="Mask"/> finds it), cut from the photo and embedded again.</summary>
    Located,

    /// <summary>The centre square of <see cref="QueryViews.ZoomSide"/> of the photo's side, embedded again (a closer scale).</summary>
    Zoom,

    /// <summary>Four corner squares of <see cref="QueryViews.ZoomSide"/> of the photo's side, each embedded (four runs).</summary>
    Corners,
}

/// <summary>How the views' unit vectors become the query: one averaged vector, or each searched and the best score kept per item.</summary>
public enum ViewCombination
{
    /// <summary>Average the views' unit vectors and re-normalise: one search.</summary>
    Mean,

    /// <summary>Search every view; an item scores its best similarity over the views.</summary>
    Max,
}

/// <summary>
/// Which views of a photo query are embedded and how they are combined, written <c>full</c>, <c>loc</c>,
/// <c>full+loc</c>, <c>full+corners:max</c>, … (views joined by <c>+</c>: <c>full</c>, <c>mask</c>, <c>loc</c>,
/// <c>zoom</c>, <c>corners</c>; then <c>:mean</c>, the default, or <c>:max</c>). <see cref="ToString"/> prints the
/// form <see cref="Parse"/> reads.
/// </summary>
public sealed record QueryViews
{
    /// <summary>Side of the <see cref="QueryView.Zoom"/> and <see cref="QueryView.Corners"/> squares, as a fraction of the photo's shorter side.</summary>
    public const double ZoomSide = 0.7;

    /// <summary>The whole photo only: what every store's photo queries do without this option.</summary>
    public static QueryViews Full { get; } = new([QueryView.Full], ViewCombination.Mean);

    private QueryViews(IReadOnlyList<QueryView> views, ViewCombination combine)
    {
        Views = views;
        Combine = combine;
    }

    /// <summary>The views, in the order written, without repeats.</summary>
    public IReadOnlyList<QueryView> Views { get; }

    public ViewCombination Combine { get; }

    /// <summary>True for <see cref="Full"/> alone: the photo embedded as the catalog was.</summary>
    public bool IsFull => Views is [QueryView.Full];

    /// <summary>Whether the whole photo's feature map is needed (to locate the object or for the full view).</summary>
    public bool NeedsLocation => Views.Contains(QueryView.Mask) || Views.Contains(QueryView.Located);

    /// <summary>Network runs per query photo (the query's embedding cost, as a multiple of one plain photo query).</summary>
    public int NetworkRuns =>
        (Views.Any(v => v is QueryView.Full or QueryView.Mask or QueryView.Located) ? 1 : 0)
        + (Views.Contains(QueryView.Located) ? 1 : 0)
        + (Views.Contains(QueryView.Zoom) ? 1 : 0)
        + (Views.Contains(QueryView.Corners) ? 4 : 0);

    /// <summary>Vectors one photo becomes (<see cref="QueryView.Corners"/> counts four).</summary>
    public int VectorCount => Views.Sum(v => v == QueryView.Corners ? 4 : 1);

    /// <summary>Reads a view list such as <c>full+loc:max</c> (any case).</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the option <paramref name="field"/>: an unknown view or combination, a repeated view, or nothing.</exception>
    public static QueryViews Parse(string text, string field = "query-views")
    {
        string t = (text ?? "").Trim().ToLowerInvariant();
        var combine = ViewCombination.Mean;
        int colon = t.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            combine = t[(colon + 1)..].Trim() switch
            {
                "mean" or "avg" => ViewCombination.Mean,
                "max" => ViewCombination.Max,
                var other => throw LookalikeException.InvalidArgument(field, $"Query views '{text}': combination '{other}' is not mean or max."),
            };
            t = t[..colon];
        }
        var views = new List<QueryView>();
        foreach (string part in t.Split('+', StringSplitOptions.TrimEntries))
        {
            QueryView view = part switch
            {
                "full" => QueryView.Full,
                "mask" => QueryView.Mask,
                "loc" or "located" => QueryView.Located,
                "zoom" => QueryView.Zoom,
                "corners" => QueryView.Corners,
                _ => throw LookalikeException.InvalidArgument(field,
                    $"Query views '{text}': '{part}' is not one of full, mask, loc, zoom, corners (joined by +, then :mean or :max)."),
            };
            if (views.Contains(view)) throw LookalikeException.InvalidArgument(field, $"Query views '{text}' name {part} twice.");
            views.Add(view);
        }
        return new QueryViews(views, combine);
    }

    /// <summary><c>full</c>, <c>full+loc</c>, <c>full+corners:max</c> (<c>:mean</c> is left out, being the default).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(string.Join('+', Views.Select(v => v switch
        {
            QueryView.Mask => "mask",
            QueryView.Located => "loc",
            QueryView.Zoom => "zoom",
            QueryView.Corners => "corners",
            _ => "full",
        })));
        if (Combine == ViewCombination.Max) text.Append(":max");
        return text.ToString();
    }

    public bool Equals(QueryViews? other) => other is not null && Combine == other.Combine && Views.SequenceEqual(other.Views);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
