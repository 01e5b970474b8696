using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Query;

/// <summary>How <see cref="QueryService"/> loads its index.</summary>
public sealed class QueryOptions
{
    /// <summary>Index to serve from; default <see cref="IndexSpec.Auto"/> (exact below 50,000 items, HNSW above).</summary>
    public IndexSpec Index { get; set; } = IndexSpec.Auto;

    /// <summary>
    /// k-reciprocal re-ranking of every result list (<c>kr(...)</c>, see <see cref="KReciprocalSpec"/>); null (default):
    /// results in plain cosine order. Costs a shortlist search and an n×n Gram matrix per query (docs/evaluation.md).
    /// </summary>
    public KReciprocalSpec? Rerank { get; set; }

    /// <summary>
    /// Makes the feature-map reader that embeds photo queries through the store's query views (when they are not
    /// <c>full</c>); null (default): <see cref="LookalikeComponents.CreateQueryViewReader"/>.
    /// </summary>
    public Func<Lookalike.Core.Catalog.ModelId, Lookalike.Core.Explain.IFeatureMapReader>? ViewReaderFactory { get; set; }

    /// <summary>One-line messages about the index (loaded from cache, rebuilt and why).</summary>
    public Action<string>? Log { get; set; }

    /// <summary>(done, total) while an index is built.</summary>
    public IProgress<(int Done, int Total)>? Progress { get; set; }
}
