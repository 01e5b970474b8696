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
        var labels = Labels(items, labelColumn);
        int rawDimension = items[0].Vector.Length;
        if (rawDimension == 0) throw new ArgumentException("Items must be read with their vectors.", nameof(items));
        if (options.PcaDimension > rawDimension)
            throw LookalikeException.InvalidArgument("pca", $"PCA dimension must be at most the vectors' {rawDimension}; got {options.PcaDimension}.");

        var ids = items.Select(i => i.Id).ToList();
        var raw = new float[ids.Count * rawDimension];
        for (int i = 0; i < items.Count; i++) items[i].Vector.Span.CopyTo(raw.AsSpan(i * rawDimension, rawDimension));

        using var pipeline = RetrievalPipeline.Prepare(ids, raw, rawDimension, options, id => labels.GetValueOrDefault(id), progress);

        var queries = labels.Keys.Order(ItemId.Ordinal).ToList();
        if (options.Queries is { } sample && sample < queries.Count)
        {
            var random = new Random(options.Seed);
            queries = queries.OrderBy(_ => random.Next()).Take(sample).Order(ItemId.Ordinal).ToList();
        }
        progress?.Report($"{queries.Count:N0} queries over {ids.Count:N0} items ({options.Pipeline}, {pipeline.Dimension}-d)");

        int dimension = pipeline.Dimension;
        var matrix = new float[queries.Count * dimension];
        for (int q = 0; q < queries.Count; q++) pipeline.VectorOf(queries[q]).Span.CopyTo(matrix.AsSpan(q * dimension, dimension));
        var rankings = pipeline.SearchBatch(matrix, queries.Count, queries.Select(id => (ItemId?)id).ToList(), queries.Select(id => (string?)labels[id]).ToList());

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

        var rowOf = new Dictionary<ItemId, int>(ids.Count);
        for (int i = 0; i < ids.Count; i++) rowOf[ids[i]] = i;
        double latency = pipeline.TimeSingleQueries(queries.Take(options.LatencySamples).ToList(), id => items[rowOf[id]].Vector);
        return new RetrievalReport(
            options.Pipeline, labelColumn, options.K, ids.Count, dimension,
            Score("(all)", overall),
            perClass.OrderByDescending(kv => kv.Value.Queries).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Score(kv.Key, kv.Value)).ToList(),
            outcomes.OrderBy(o => o.AveragePrecision).ThenBy(o => o.Query.Value, StringComparer.Ordinal).Take(options.WorstQueries).ToList(),
            latency,
            pipeline.BytesPerItem,
            pipeline.PrepareSeconds,
            total.Elapsed.TotalSeconds);
    }

    /// <summary>Item → its non-blank value in <paramref name="labelColumn"/>.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming the known columns when no item has a value there.</exception>
    internal static Dictionary<ItemId, string> Labels(IReadOnlyList<CatalogItem> items, string labelColumn)
    {
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
        return labels;
    }

    internal static RetrievalScore Score(string label, RankingMetricsAccumulator a) =>
        new(label, a.Queries, a.Precision, a.Recall, a.MeanAveragePrecision, a.Ndcg, a.MeanReciprocalRank);

    internal static void Validate(RetrievalOptions options)
    {
        SearchRequest.CheckK(options.K);
        if (options.Queries is < 1) throw LookalikeException.InvalidArgument("queries", $"queries must be 1 or more; got {options.Queries}.");
        if (options.PcaDimension < 0) throw LookalikeException.InvalidArgument("pca", $"PCA dimension must be 0 (off) or more; got {options.PcaDimension}.");
        if (options.DbaNeighbours is < 0 or > SearchRequest.MaxK) throw LookalikeException.InvalidArgument("dba", $"DBA neighbours must be 0–{SearchRequest.MaxK}; got {options.DbaNeighbours}.");
        if (options.QeNeighbours is < 0 or > SearchRequest.MaxK) throw LookalikeException.InvalidArgument("aqe", $"αQE neighbours must be 0–{SearchRequest.MaxK}; got {options.QeNeighbours}.");
        if (!(options.Alpha >= 0) || !float.IsFinite(options.Alpha)) throw LookalikeException.InvalidArgument("alpha", $"alpha must be 0 or more; got {options.Alpha}.");
    }
}
