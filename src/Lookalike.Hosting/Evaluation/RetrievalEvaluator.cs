using System.Diagnostics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Evaluation;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Evaluation;

/// <summary>
/// Leave-one-out retrieval quality over a labelled catalog: every labelled item (or a seeded sample) queries the rest;
/// a result is relevant when it shares the query's value in the label column. Precision, recall, MAP, nDCG and MRR @k,
/// overall and per class, with the search-time improvements of <see cref="RetrievalOptions"/> applied to the stored
/// vectors. Searches run as batches over an <see cref="ExactVectorIndex"/>; latency is timed separately, query by query.
/// </summary>
public static class RetrievalEvaluator
{
    /// <summary>Evaluates <paramref name="items"/> (read with their vectors, all of one dimension).</summary>
    /// <exception cref="LookalikeException">InvalidArgument when no item has a value in <paramref name="labelColumn"/> or an option is out of range.</exception>
    public static RetrievalReport Run(IReadOnlyList<CatalogItem> items, string labelColumn, RetrievalOptions options, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentException.ThrowIfNullOrEmpty(labelColumn);
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        var total = Stopwatch.StartNew();
        var labels = new Dictionary<ItemId, string>();
        foreach (var item in items)
        {
            if (item.Metadata.TryGetValue(labelColumn, out string? value) && !string.IsNullOrWhiteSpace(value)) labels[item.Id] = value;
        }
        if (labels.Count == 0)
        {
            var known = items.SelectMany(i => i.Metadata.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            throw LookalikeException.InvalidArgument("label-column",
                $"No item has a value in column '{labelColumn}'. Known columns: {(known.Count == 0 ? "(none; index with --labels)" : string.Join(", ", known))}.");
        }
        int rawDimension = items[0].Vector.Length;
        if (rawDimension == 0) throw new ArgumentException("Items must be read with their vectors.", nameof(items));

        var ids = items.Select(i => i.Id).ToList();
        var raw = new float[ids.Count * rawDimension];
        for (int i = 0; i < items.Count; i++) items[i].Vector.Span.CopyTo(raw.AsSpan(i * rawDimension, rawDimension));

        // One-off preparation: PCA(-whitening) learned on the catalog, then DBA of the (transformed) catalog.
        var prepare = Stopwatch.StartNew();
        PcaWhitening? pca = null;
        float[] vectors = raw;
        int dimension = rawDimension;
        if (options.Projection is { } projection)
        {
            if (projection.InputDimension != rawDimension)
                throw LookalikeException.InvalidArgument("projection", $"The projection takes {projection.InputDimension}-d vectors; the store's are {rawDimension}-d.");
            vectors = projection.ApplyAll(raw, ids.Count);
            dimension = projection.OutputDimension;
        }
        if (options.PcaDimension > 0)
        {
            if (options.PcaDimension > dimension) throw LookalikeException.InvalidArgument("pca", $"PCA dimension must be at most the vectors' {dimension}; got {options.PcaDimension}.");
            progress?.Report($"learning {(options.Whiten ? "PCA-whitening" : "PCA")} {dimension} → {options.PcaDimension} on {ids.Count:N0} vectors");
            pca = PcaWhitening.Fit(vectors, ids.Count, dimension, options.PcaDimension, options.Whiten);
            vectors = pca.TransformAll(vectors, ids.Count);
            dimension = pca.OutputDimension;
        }
        if (options.DbaNeighbours > 0)
        {
            progress?.Report($"database-side augmentation with {options.DbaNeighbours} neighbours");
            vectors = QueryExpansion.AugmentDatabase(ids, vectors, dimension, options.DbaNeighbours, options.Alpha);
        }
        prepare.Stop();

        using var index = new ExactVectorIndex(dimension, ids.Count);
        var rowOf = new Dictionary<ItemId, int>(ids.Count);
        for (int i = 0; i < ids.Count; i++)
        {
            index.Upsert(ids[i], vectors.AsSpan(i * dimension, dimension));
            rowOf[ids[i]] = i;
        }
        ReadOnlyMemory<float> VectorOf(ItemId id) => vectors.AsMemory(rowOf[id] * dimension, dimension);

        var queries = labels.Keys.Order(ItemId.Ordinal).ToList();
        if (options.Queries is { } sample && sample < queries.Count)
        {
            var random = new Random(options.Seed);
            queries = queries.OrderBy(_ => random.Next()).Take(sample).Order(ItemId.Ordinal).ToList();
        }
        progress?.Report($"{queries.Count:N0} queries over {ids.Count:N0} items ({options.Pipeline}, {dimension}-d)");

        var pipeline = new Pipeline(index, options, labels, VectorOf);
        var rankings = pipeline.SearchBatch(queries);

        var classMembers = labels.GroupBy(kv => kv.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(kv => kv.Key).ToHashSet(), StringComparer.Ordinal);
        var overall = new RankingMetricsAccumulator(options.K);
        var perClass = new Dictionary<string, RankingMetricsAccumulator>(StringComparer.Ordinal);
        var outcomes = new List<QueryOutcome>(queries.Count);
        for (int q = 0; q < queries.Count; q++)
        {
            string label = labels[queries[q]];
            var relevant = new HashSet<ItemId>(classMembers[label]);
            relevant.Remove(queries[q]);
            if (relevant.Count == 0) continue; // a class of one: nothing to find
            var ranked = rankings[q].Select(h => h.Id).ToList();
            overall.Add(ranked, relevant);
            if (!perClass.TryGetValue(label, out var accumulator)) perClass[label] = accumulator = new RankingMetricsAccumulator(options.K);
            accumulator.Add(ranked, relevant);
            outcomes.Add(new QueryOutcome(queries[q], label, RankingMetrics.AveragePrecision(ranked, relevant, options.K), rankings[q]));
        }

        double latency = pipeline.TimeSingleQueries(queries.Take(options.LatencySamples).ToList(), pca, items, rowOf);
        return new RetrievalReport(
            options.Pipeline, labelColumn, options.K, ids.Count, dimension,
            Score("(all)", overall),
            perClass.OrderByDescending(kv => kv.Value.Queries).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Score(kv.Key, kv.Value)).ToList(),
            outcomes.OrderBy(o => o.AveragePrecision).ThenBy(o => o.Query.Value, StringComparer.Ordinal).Take(options.WorstQueries).ToList(),
            latency,
            ids.Count == 0 ? 0 : index.MemoryBytes / (double)ids.Count,
            prepare.Elapsed.TotalSeconds,
            total.Elapsed.TotalSeconds);
    }

    private static RetrievalScore Score(string label, RankingMetricsAccumulator a) =>
        new(label, a.Queries, a.Precision, a.Recall, a.MeanAveragePrecision, a.Ndcg, a.MeanReciprocalRank);

    private static void Validate(RetrievalOptions options)
    {
        if (options.K is < 1 or > SearchRequest.MaxK) throw LookalikeException.InvalidArgument("k", $"k must be between 1 and {SearchRequest.MaxK}; got {options.K}.");
        if (options.Queries is < 1) throw LookalikeException.InvalidArgument("queries", $"queries must be 1 or more; got {options.Queries}.");
        if (options.PcaDimension < 0) throw LookalikeException.InvalidArgument("pca", $"PCA dimension must be 0 (off) or more; got {options.PcaDimension}.");
        if (options.DbaNeighbours is < 0 or > SearchRequest.MaxK) throw LookalikeException.InvalidArgument("dba", $"DBA neighbours must be 0–{SearchRequest.MaxK}; got {options.DbaNeighbours}.");
        if (options.QeNeighbours is < 0 or > SearchRequest.MaxK) throw LookalikeException.InvalidArgument("aqe", $"αQE neighbours must be 0–{SearchRequest.MaxK}; got {options.QeNeighbours}.");
        if (!(options.Alpha >= 0) || !float.IsFinite(options.Alpha)) throw LookalikeException.InvalidArgument("alpha", $"alpha must be 0 or more; got {options.Alpha}.");
    }

    /// <summary>The search path after preparation: search, αQE re-search, simulated Rocchio re-search.</summary>
    private sealed class Pipeline(ExactVectorIndex index, RetrievalOptions options, Dictionary<ItemId, string> labels, Func<ItemId, ReadOnlyMemory<float>> vectorOf)
    {
        private readonly int _dimension = index.Dimension;

        public IReadOnlyList<SearchHit>[] SearchBatch(List<ItemId> queries)
        {
            var matrix = new float[queries.Count * _dimension];
            for (int q = 0; q < queries.Count; q++) vectorOf(queries[q]).Span.CopyTo(matrix.AsSpan(q * _dimension, _dimension));
            var exclude = queries.Select(id => (ItemId?)id).ToList();
            var hits = index.SearchBatch(matrix, queries.Count, new SearchRequest(FirstK), exclude);
            if (options.QeNeighbours > 0)
            {
                var expanded = new float[matrix.Length];
                for (int q = 0; q < queries.Count; q++)
                    QueryExpansion.Expand(matrix.AsSpan(q * _dimension, _dimension), hits[q], options.QeNeighbours, options.Alpha, vectorOf, expanded.AsSpan(q * _dimension, _dimension));
                matrix = expanded;
                hits = index.SearchBatch(matrix, queries.Count, new SearchRequest(SecondK), exclude);
            }
            if (options.Rerank is { } rerank)
            {
                for (int q = 0; q < queries.Count; q++)
                    hits[q] = KReciprocalRerank.Rerank(matrix.AsSpan(q * _dimension, _dimension), hits[q].Take(rerank.Shortlist).ToList(), vectorOf, rerank);
            }
            if (options.Rocchio)
            {
                var moved = new float[matrix.Length];
                for (int q = 0; q < queries.Count; q++) Feedback(queries[q], matrix.AsSpan(q * _dimension, _dimension), hits[q], moved.AsSpan(q * _dimension, _dimension));
                hits = index.SearchBatch(moved, queries.Count, new SearchRequest(options.K), exclude);
            }
            return hits.Select(h => (IReadOnlyList<SearchHit>)h.Take(options.K).ToList()).ToArray();
        }

        /// <summary>Mean milliseconds of the single-query path (PCA transform of the raw vector included).</summary>
        public double TimeSingleQueries(List<ItemId> queries, PcaWhitening? pca, IReadOnlyList<CatalogItem> items, Dictionary<ItemId, int> rowOf)
        {
            if (queries.Count == 0) return 0;
            var transformed = new float[_dimension];
            var projected = new float[options.Projection?.OutputDimension ?? 0];
            var expanded = new float[_dimension];
            var watch = Stopwatch.StartNew();
            foreach (var id in queries)
            {
                ReadOnlySpan<float> query;
                if (pca is not null || options.Projection is not null)
                {
                    ReadOnlySpan<float> raw = items[rowOf[id]].Vector.Span;
                    if (options.Projection is { } projection)
                    {
                        projection.Apply(raw, projected);
                        raw = projected;
                    }
                    if (pca is not null)
                    {
                        pca.Transform(raw, transformed);
                        raw = transformed;
                    }
                    query = raw;
                }
                else query = vectorOf(id).Span;
                var hits = index.Search(query, new SearchRequest(FirstK, Exclude: id));
                if (options.QeNeighbours > 0)
                {
                    QueryExpansion.Expand(query, hits, options.QeNeighbours, options.Alpha, vectorOf, expanded);
                    query = expanded;
                    hits = index.Search(query, new SearchRequest(SecondK, Exclude: id));
                }
                if (options.Rerank is { } rerank)
                    hits = KReciprocalRerank.Rerank(query, hits.Take(rerank.Shortlist).ToList(), vectorOf, rerank);
                if (options.Rocchio)
                {
                    var moved = new float[_dimension];
                    Feedback(id, query, hits, moved);
                    index.Search(moved, new SearchRequest(options.K, Exclude: id));
                }
            }
            return watch.Elapsed.TotalMilliseconds / queries.Count;
        }

        /// <summary>Results of the first search: enough for αQE, else for the re-ranking shortlist, else k.</summary>
        private int FirstK => Math.Max(options.QeNeighbours, SecondK);

        /// <summary>Results of the search whose list is scored (or re-ranked first).</summary>
        private int SecondK => Math.Min(SearchRequest.MaxK, Math.Max(options.K, options.Rerank?.Shortlist ?? 0));

        private void Feedback(ItemId query, ReadOnlySpan<float> vector, IReadOnlyList<SearchHit> page, Span<float> output)
        {
            string label = labels[query];
            var relevant = new List<ReadOnlyMemory<float>>();
            var other = new List<ReadOnlyMemory<float>>();
            foreach (var hit in page.Take(options.K))
                (labels.TryGetValue(hit.Id, out string? l) && l == label ? relevant : other).Add(vectorOf(hit.Id));
            QueryExpansion.Rocchio(vector, relevant, other, 1f, 0.75f, 0.15f, output);
        }
    }
}
