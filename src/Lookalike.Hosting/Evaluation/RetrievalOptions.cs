using System.Globalization;
using Lookalike.Core.Learning;
using Lookalike.Core.Retrieval;

namespace Lookalike.Hosting.Evaluation;

/// <summary>
/// What <see cref="RetrievalEvaluator"/> measures and which search-time improvements it applies over the stored
/// vectors. The default is the plain recipe: stored vectors, cosine, top-k.
/// </summary>
public sealed record RetrievalOptions
{
    /// <summary>Cut-off of every metric, 1–1000 (default 10).</summary>
    public int K { get; init; } = 10;

    /// <summary>Evaluate a seeded random sample of this many labelled items as queries; null: every labelled item.</summary>
    public int? Queries { get; init; }

    public int Seed { get; init; } = 42;

    /// <summary>
    /// A learned projection (<c>lookalike learn</c>) applied to every stored vector before the rest of the pipeline, and
    /// timed on every query's raw vector (as a photo query pays it); null: the raw space.
    /// </summary>
    public Projection? Projection { get; init; }

    /// <summary>Printable name of <see cref="Projection"/>, e.g. <c>learned(head)</c>.</summary>
    public string? ProjectionName { get; init; }

    /// <summary>PCA learned on the catalog to this many dimensions (0: off).</summary>
    public int PcaDimension { get; init; }

    /// <summary>With <see cref="PcaDimension"/>: whiten (unit variance per component) as well as rotate and reduce.</summary>
    public bool Whiten { get; init; } = true;

    /// <summary>Database-side augmentation: every catalog vector averaged with this many nearest neighbours (0: off).</summary>
    public int DbaNeighbours { get; init; }

    /// <summary>α-query expansion: the query averaged with its top this-many results, then searched again (0: off).</summary>
    public int QeNeighbours { get; init; }

    /// <summary>Exponent of the neighbour weights <c>score^α</c> in DBA and αQE (default 3).</summary>
    public float Alpha { get; init; } = 3f;

    /// <summary>
    /// Simulated relevance feedback: after the first page, results sharing the query's label are marked relevant,
    /// the others not, and the query moves by Rocchio (1, 0.75, 0.15) before the page that is scored.
    /// </summary>
    public bool Rocchio { get; init; }

    /// <summary>k-reciprocal re-ranking of each query's shortlist (after αQE, before Rocchio); null: off.</summary>
    public KReciprocalSpec? Rerank { get; init; }

    /// <summary>How many of the worst queries (lowest AP) the report keeps, for the HTML strips.</summary>
    public int WorstQueries { get; init; } = 20;

    /// <summary>Queries timed one by one (the whole single-query path) for the latency figure.</summary>
    public int LatencySamples { get; init; } = 300;

    /// <summary>Printable pipeline, e.g. <c>plain</c> or <c>pcaw(256)+dba(2)+aqe(2,α=3)</c>.</summary>
    public string Pipeline
    {
        get
        {
            var parts = new List<string>();
            if (Projection is not null) parts.Add(ProjectionName ?? "learned");
            if (PcaDimension > 0) parts.Add((Whiten ? "pcaw(" : "pca(") + PcaDimension.ToString(CultureInfo.InvariantCulture) + ")");
            if (DbaNeighbours > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"dba({DbaNeighbours},α={Alpha:0.##})"));
            if (QeNeighbours > 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"aqe({QeNeighbours},α={Alpha:0.##})"));
            if (Rerank is not null) parts.Add(Rerank.ToString());
            if (Rocchio) parts.Add("rocchio");
            return parts.Count == 0 ? "plain" : string.Join('+', parts);
        }
    }
}
