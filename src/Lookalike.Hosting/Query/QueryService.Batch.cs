using Lookalike.Core.Errors;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Query;

/// <summary>One answer of a batch: a result, or the error that query met.</summary>
public sealed record BatchAnswer(string Query, SimilarResult? Result, LookalikeException? Error);

public sealed partial class QueryService
{
    /// <summary>
    /// Look-alikes of many queries (item ids or image files) in one pass: every query is resolved to a vector, then all
    /// are searched together as one matrix–matrix product. A query that fails gets its error; the others still answer.
    /// </summary>
    public IReadOnlyList<BatchAnswer> SimilarBatch(IReadOnlyList<string> queries, int k, ItemFilter? filter = null)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var request = Request(ShortlistK(SearchRequest.CheckK(k)), filter, exclude: null);
        int dimension = _index.Dimension;
        var resolved = new List<(int Slot, QueryDescription Description, Core.Catalog.ItemId? Exclude)>();
        var vectors = new List<float[]>();
        var answers = new BatchAnswer[queries.Count];
        for (int i = 0; i < queries.Count; i++)
        {
            try
            {
                var (description, vector, exclude) = Resolve(queries[i]);
                resolved.Add((i, description, exclude));
                vectors.Add(vector);
            }
            catch (LookalikeException e)
            {
                answers[i] = new BatchAnswer(queries[i], null, e);
            }
        }
        var matrix = new float[vectors.Count * dimension];
        for (int v = 0; v < vectors.Count; v++) vectors[v].CopyTo(matrix, v * dimension);
        IReadOnlyList<SearchHit>[] hits;
        using (Telemetry.LookalikeTelemetry.Start(Telemetry.LookalikeTelemetry.SearchSpan))
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            hits = _index.SearchBatch(matrix, vectors.Count, request, resolved.Select(r => r.Exclude).ToList());
            Telemetry.LookalikeTelemetry.Searched(System.Diagnostics.Stopwatch.GetElapsedTime(start), _indexKind);
        }
        Telemetry.LookalikeTelemetry.Query("batch", resolved.Count);
        for (int v = 0; v < resolved.Count; v++)
        {
            var (slot, description, _) = resolved[v];
            answers[slot] = new BatchAnswer(queries[slot], new SimilarResult(description, ToResults(Rerank(vectors[v], hits[v], k))), null);
        }
        return answers;
    }
}
