using Lookalike.Core.Embedding;

namespace Lookalike.Hosting.Evaluation;

/// <summary>The cross-domain ("shopper photo") protocol's own settings; sample, seed, k and pipeline are <see cref="RetrievalOptions"/>.</summary>
public sealed record ShopperPhotoOptions
{
    /// <summary>Folder of photos (searched recursively) pasted behind the products: another dataset's photos, never the catalog's own.</summary>
    /// <remarks>Required unless <see cref="CatalogPhotos"/>.</remarks>
    public string BackgroundsFolder { get; init; } = "";

    /// <summary>When set, every synthetic query photo is also written here as <c>NNNN-&lt;item&gt;.jpg</c> for inspection.</summary>
    public string? SaveQueriesFolder { get; init; }

    /// <summary>Query photos synthesised and embedded at once (default: one per core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// The views each query photo is embedded through (<see cref="QueryViews"/>), each evaluated on its own over the
    /// same photos; empty: the whole photo only.
    /// </summary>
    public IReadOnlyList<QueryViews> Views { get; init; } = [];

    /// <summary>
    /// Query with each sampled item's own catalog photo instead of a synthetic shopper photo, excluding the item from
    /// its results and scoring its class only: the in-domain protocol for tricks that change how a photo query is
    /// embedded (with the whole photo it gives the leave-one-out figures up to float rounding).
    /// </summary>
    public bool CatalogPhotos { get; init; }
}
