using System.Text;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

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
/// <c>full+loc</c>, <c>full+corners:max</c>, <c>full+zoom:auto</c>, … (views joined by <c>+</c>: <c>full</c>,
/// <c>mask</c>, <c>loc</c>, <c>zoom</c>, <c>corners</c>; then <c>:mean</c>, the default, or <c>:max</c>; then
/// <c>:auto</c>, see <see cref="OnlyWhenBusy"/>); a view may carry a weight in the mean, <c>zoom*0.6</c> (0–1, default 1). <see cref="ToString"/> prints the form <see cref="Parse"/> reads.
/// </summary>
public sealed record QueryViews
{
    /// <summary>Side of the <see cref="QueryView.Zoom"/> and <see cref="QueryView.Corners"/> squares, as a fraction of the photo's shorter side.</summary>
    public const double ZoomSide = 0.7;

    /// <summary>Width and height of the <see cref="QueryView.Zoom"/> square in a <paramref name="width"/> × <paramref name="height"/> photo, as fractions of each side.</summary>
    public static (double Width, double Height) ZoomFractions(int width, int height)
    {
        double side = ZoomSide * Math.Min(width, height);
        return (side / width, side / height);
    }

    /// <summary>The <see cref="QueryView.Zoom"/> view's box in a <paramref name="width"/> × <paramref name="height"/> photo: its centre square.</summary>
    public static ImageBox ZoomBox(int width, int height)
    {
        var (fw, fh) = ZoomFractions(width, height);
        return new ImageBox((1 - fw) / 2, (1 - fh) / 2, fw, fh, Fractions: true);
    }

    /// <summary>The whole photo only: what every store's photo queries do without this option.</summary>
    public static QueryViews Full { get; } = new([QueryView.Full], ViewCombination.Mean);

    private QueryViews(IReadOnlyList<QueryView> views, ViewCombination combine, bool onlyWhenBusy = false, IReadOnlyList<float>? weights = null)
    {
        Views = views;
        Weights = weights ?? views.Select(_ => 1f).ToArray();
        Combine = combine;
        OnlyWhenBusy = onlyWhenBusy;
    }

    /// <summary>The views, in the order written, without repeats.</summary>
    public IReadOnlyList<QueryView> Views { get; }

    public ViewCombination Combine { get; }

    /// <summary>Each view's weight in the <see cref="ViewCombination.Mean"/> of the views' unit vectors (1 unless written <c>zoom*0.6</c>).</summary>
    public IReadOnlyList<float> Weights { get; }

    /// <summary>The weight of <paramref name="view"/> in the mean.</summary>
    public float WeightOf(QueryView view) => Weights[IndexOf(view)];

    private int IndexOf(QueryView view)
    {
        for (int i = 0; i < Views.Count; i++) if (Views[i] == view) return i;
        throw new ArgumentOutOfRangeException(nameof(view), view, "Not one of these views.");
    }

    /// <summary>
    /// <c>:auto</c>: the views beyond <see cref="QueryView.Full"/> are used only for a photo whose border is busy (a
    /// scene around the product, <see cref="Imaging.BorderClutter.IsBusy"/>); a photo on a plain backdrop — a studio
    /// shot like the catalog's own — is embedded whole only.
    /// </summary>
    public bool OnlyWhenBusy { get; }

    /// <summary>The views used for one photo: all of them, or only the whole photo for a plain-bordered photo under <see cref="OnlyWhenBusy"/>.</summary>
    public IReadOnlyList<QueryView> ViewsFor(bool busyBorder) => OnlyWhenBusy && !busyBorder ? [QueryView.Full] : Views;

    /// <summary>True for <see cref="Full"/> alone: the photo embedded as the catalog was.</summary>
    public bool IsFull => Views is [QueryView.Full];

    /// <summary>Whether the whole photo's feature map is needed (to locate the object or for the full view).</summary>
    public bool NeedsLocation => Views.Contains(QueryView.Mask) || Views.Contains(QueryView.Located);

    /// <summary>Network runs per query photo (the query's embedding cost, as a multiple of one plain photo query); with <see cref="OnlyWhenBusy"/>, for a busy photo (a plain one takes 1).</summary>
    public int NetworkRuns =>
        (Views.Any(v => v is QueryView.Full or QueryView.Mask or QueryView.Located) ? 1 : 0)
        + (Views.Contains(QueryView.Located) ? 1 : 0)
        + (Views.Contains(QueryView.Zoom) ? 1 : 0)
        + (Views.Contains(QueryView.Corners) ? 4 : 0);

    /// <summary>Vectors one photo becomes (<see cref="QueryView.Corners"/> counts four).</summary>
    public int VectorCount => Views.Sum(v => v == QueryView.Corners ? 4 : 1);

    /// <summary>Reads a view list such as <c>full+loc:max</c> or <c>full+zoom:auto</c> (any case).</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the option <paramref name="field"/>: an unknown view or combination, a repeated view, <c>:auto</c> without the whole photo and another view, or nothing.</exception>
    public static QueryViews Parse(string text, string field = "query-views")
    {
        string t = (text ?? "").Trim().ToLowerInvariant();
        var combine = ViewCombination.Mean;
        bool auto = false, combined = false;
        string[] parts = t.Split(':', StringSplitOptions.TrimEntries);
        foreach (string modifier in parts.Skip(1))
        {
            if (modifier == "auto" && !auto) auto = true;
            else if (modifier is "mean" or "avg" or "max" && !combined)
            {
                combine = modifier == "max" ? ViewCombination.Max : ViewCombination.Mean;
                combined = true;
            }
            else throw LookalikeException.InvalidArgument(field, $"Query views '{text}': '{modifier}' is not mean or max (once), then auto (once).");
        }
        t = parts[0];
        var views = new List<QueryView>();
        var weights = new List<float>();
        foreach (string term in t.Split('+', StringSplitOptions.TrimEntries))
        {
            string part = term;
            float weight = 1;
            int star = term.IndexOf('*', StringComparison.Ordinal);
            if (star >= 0)
            {
                part = term[..star].Trim();
                if (!float.TryParse(term[(star + 1)..].Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out weight)
                    || !(weight > 0 && weight <= 1))
                    throw LookalikeException.InvalidArgument(field, $"Query views '{text}': the weight of '{part}' must be a number above 0 and at most 1 (e.g. zoom*0.6).");
            }
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
            weights.Add(weight);
        }
        if (combine == ViewCombination.Max && weights.Any(w => w != 1))
            throw LookalikeException.InvalidArgument(field, $"Query views '{text}': weights apply to the mean; ':max' takes each view's best score unweighted.");
        if (auto && !(views.Contains(QueryView.Full) && views.Count > 1))
            throw LookalikeException.InvalidArgument(field, $"Query views '{text}': ':auto' keeps only the whole photo for a plain-bordered photo, so it needs full and another view (e.g. full+zoom:auto).");
        return new QueryViews(views, combine, auto, weights);
    }

    /// <summary><c>full</c>, <c>full+loc</c>, <c>full+corners:max</c>, <c>full+zoom:auto</c> (<c>:mean</c> is left out, being the default).</summary>
    public override string ToString()
    {
        var text = new StringBuilder(string.Join('+', Views.Select((v, i) => (v switch
        {
            QueryView.Mask => "mask",
            QueryView.Located => "loc",
            QueryView.Zoom => "zoom",
            QueryView.Corners => "corners",
            _ => "full",
        }) + (Weights[i] == 1 ? "" : "*" + Weights[i].ToString(System.Globalization.CultureInfo.InvariantCulture)))));
        if (Combine == ViewCombination.Max) text.Append(":max");
        if (OnlyWhenBusy) text.Append(":auto");
        return text.ToString();
    }

    public bool Equals(QueryViews? other) =>
        other is not null && Combine == other.Combine && OnlyWhenBusy == other.OnlyWhenBusy && Views.SequenceEqual(other.Views) && Weights.SequenceEqual(other.Weights);

    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
