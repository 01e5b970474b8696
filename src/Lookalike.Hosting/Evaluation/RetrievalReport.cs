using Lookalike.Core.Catalog;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Evaluation;

/// <summary>Means of the ranking metrics @k over a group of queries (all, or one class).</summary>
public sealed record RetrievalScore(string Label, int Queries, double Precision, double Recall, double Map, double Ndcg, double Mrr);

/// <summary>One evaluated query: its label, AP@k and ranked results (for the worst-query strips).</summary>
public sealed record QueryOutcome(ItemId Query, string Label, double AveragePrecision, IReadOnlyList<SearchHit> Results);

/// <summary>The result of a leave-one-out retrieval evaluation.</summary>
/// <param name="Pipeline">The search pipeline evaluated (<see cref="RetrievalOptions.Pipeline"/>).</param>
/// <param name="Items">Catalog items searched (labelled or not).</param>
/// <param name="Dimension">Dimension of the searched vectors (after any reduction).</param>
/// <param name="LatencyMs">Mean milliseconds of one query's whole search path (transform, search, expansion, feedback).</param>
/// <param name="BytesPerItem">Index memory per item.</param>
/// <param name="PrepareSeconds">One-off work before querying (PCA fit, DBA).</param>
public sealed record RetrievalReport(
    string Pipeline,
    string LabelColumn,
    int K,
    int Items,
    int Dimension,
    RetrievalScore Overall,
    IReadOnlyList<RetrievalScore> Classes,
    IReadOnlyList<QueryOutcome> Worst,
    double LatencyMs,
    double BytesPerItem,
    double PrepareSeconds,
    double Seconds);
