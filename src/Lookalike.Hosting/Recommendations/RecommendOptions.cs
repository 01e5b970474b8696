using Lookalike.Core.Recommendations;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Recommendations;

/// <summary>What to ask the recommenders (CLI flags and HTTP query parameters map onto this one to one).</summary>
public sealed record RecommendOptions
{
    /// <summary>How many, 1–1000.</summary>
    public int K { get; init; } = 10;

    public RecommendationStrategy Strategy { get; init; } = RecommendationStrategy.Hybrid;

    /// <summary>Metadata conditions (<c>--where</c>); null: none.</summary>
    public ItemFilter? Where { get; init; }

    /// <summary>MMR λ in 0…1 (<c>--diversity</c>); null: no diversification.</summary>
    public double? MmrLambda { get; init; }

    /// <summary>Near-duplicate collapse threshold τ in (0, 1] (<c>--collapse</c>); null: off.</summary>
    public double? DuplicateThreshold { get; init; }

    /// <summary>Also recommend items the person already touched (default: excluded).</summary>
    public bool IncludeSeen { get; init; }
}
