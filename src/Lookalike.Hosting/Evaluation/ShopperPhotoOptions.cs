namespace Lookalike.Hosting.Evaluation;

/// <summary>The cross-domain ("shopper photo") protocol's own settings; sample, seed, k and pipeline are <see cref="RetrievalOptions"/>.</summary>
public sealed record ShopperPhotoOptions
{
    /// <summary>Folder of photos (searched recursively) pasted behind the products: another dataset's photos, never the catalog's own.</summary>
    public required string BackgroundsFolder { get; init; }

    /// <summary>When set, every synthetic query photo is also written here as <c>NNNN-&lt;item&gt;.jpg</c> for inspection.</summary>
    public string? SaveQueriesFolder { get; init; }

    /// <summary>Query photos synthesised and embedded at once (default: one per core).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
}
