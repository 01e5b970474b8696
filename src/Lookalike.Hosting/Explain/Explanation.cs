using System.Text.Json.Serialization;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;

namespace Lookalike.Hosting.Explain;

/// <summary>
/// Why a result looks like a query: the score split over both photos' feature grids (<see cref="Query"/>,
/// <see cref="Result"/>), the metadata they share and each photo's dominant colours. Same shape on the CLI
/// (<c>explain --json</c>) and over HTTP.
/// </summary>
/// <param name="Score">Cosine of the two vectors, recomputed from the photos (equals the search score while the photos are unchanged).</param>
/// <param name="Method"><c>exact</c> (average pooling: each grid sums to the score) or <c>first-order</c> (GeM, max: gradient × input of the pooled features).</param>
/// <param name="Model">The model id the vectors are of.</param>
public sealed record Explanation(double Score, string Method, string Model, ExplainedPhoto Query, ExplainedPhoto Result, IReadOnlyList<MetadataMatch> Metadata)
{
    /// <summary>The wire name of an attribution method.</summary>
    public static string MethodName(AttributionMethod method) => method == AttributionMethod.Exact ? "exact" : "first-order";
}

/// <summary>One side of an <see cref="Explanation"/>.</summary>
/// <param name="Id">Catalog item id; null for an uploaded photo.</param>
/// <param name="Grid"><see cref="Rows"/> rows of <see cref="Cols"/> cells, row 0 at the top: each cell's share of the score (may be negative).</param>
/// <param name="Area">The part of the photo the grid lies over, in fractions of its width and height (the centre square of a centre-cropped photo, the box of a region query).</param>
/// <param name="Width">Displayed width of the photo in pixels.</param>
/// <param name="Height">Displayed height of the photo in pixels.</param>
/// <param name="Colours">Dominant colours, largest share first, background left out.</param>
public sealed record ExplainedPhoto(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    float[][] Grid, int Rows, int Cols, FractionRect Area, int Width, int Height, IReadOnlyList<ColourSwatch> Colours,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Box = null);
