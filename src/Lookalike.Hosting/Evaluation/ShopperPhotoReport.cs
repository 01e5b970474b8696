using Lookalike.Core.Catalog;

namespace Lookalike.Hosting.Evaluation;

/// <summary>One shopper photo: the item it was made from, its label, where that item ranked, and its class AP@k.</summary>
/// <param name="Rank">1-based rank of the query's own item in the top k; 0 when it is not there.</param>
public sealed record ShopperQueryOutcome(ItemId Item, string Label, int Rank, double AveragePrecision);

/// <summary>The result of a cross-domain ("shopper photo") evaluation: synthetic shopper photos against the clean catalog.</summary>
/// <param name="Pipeline">The search pipeline evaluated (<see cref="RetrievalOptions.Pipeline"/>).</param>
/// <param name="Model">The store's model, which embedded the query photos.</param>
/// <param name="Queries">Shopper photos searched.</param>
/// <param name="Items">Catalog items searched (the gallery).</param>
/// <param name="Backgrounds">Background photos drawn from.</param>
/// <param name="InstanceRecallAt1">Share of queries whose own catalog item is ranked first.</param>
/// <param name="InstanceRecallAtK">Share of queries whose own catalog item is in the top k.</param>
/// <param name="InstanceMrr">Mean reciprocal rank of the own item within the top k (0 when below).</param>
/// <param name="Class">Class-level scores @k: relevant = every catalog item sharing the query's label (its own item included).</param>
/// <param name="Outcomes">Every query, in item-id order.</param>
/// <param name="EmbedMs">Mean milliseconds to synthesise, decode and embed one query photo (wall time over the threads).</param>
public sealed record ShopperPhotoReport(
    string Pipeline,
    string Model,
    string LabelColumn,
    int K,
    int Seed,
    int Queries,
    int Items,
    int Dimension,
    int Backgrounds,
    double InstanceRecallAt1,
    double InstanceRecallAtK,
    double InstanceMrr,
    RetrievalScore Class,
    IReadOnlyList<ShopperQueryOutcome> Outcomes,
    double EmbedMs,
    double PrepareSeconds,
    double Seconds)
{
    /// <summary>The query views (<see cref="Core.Embedding.QueryViews"/>): <c>full</c> unless asked otherwise.</summary>
    public string Views { get; init; } = "full";

    /// <summary>Network runs per query photo for <see cref="Views"/>: its embedding cost as a multiple of a plain photo query.</summary>
    public int NetworkRuns { get; init; } = 1;

    /// <summary>With <c>:auto</c> views: the share of the query photos whose border was busy, so all the views were used; null otherwise.</summary>
    public double? BusyBorderShare { get; init; }

    /// <summary>
    /// True: the queries were the catalog photos themselves (the in-domain protocol for photo-query tricks), each
    /// excluding its own item, so the instance figures are meaningless (0) and only the class figures count.
    /// </summary>
    public bool CatalogPhotos { get; init; }
}
