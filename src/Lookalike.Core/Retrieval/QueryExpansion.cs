using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Retrieval;

/// <summary>
/// α-query expansion (αQE) and database-side augmentation (DBA), after Radenović, Tolias and Chum (2018): a vector is
/// replaced by the normalised sum of itself and its nearest neighbours, each weighted by <c>max(score, 0)^α</c>.
/// αQE does it to the query at search time (a second search); DBA does it once to every catalog vector offline
/// (the index then holds the augmented vectors; memory unchanged).
/// </summary>
public static class QueryExpansion
{
    /// <summary>
    /// <paramref name="output"/> = normalise(<paramref name="query"/> + Σ max(sᵢ, 0)^α · xᵢ) over the first
    /// <paramref name="neighbours"/> hits; <paramref name="vectorOf"/> gives a hit's vector.
    /// </summary>
    public static void Expand(ReadOnlySpan<float> query, IReadOnlyList<SearchHit> hits, int neighbours, float alpha, Func<ItemId, ReadOnlyMemory<float>> vectorOf, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(hits);
        ArgumentNullException.ThrowIfNull(vectorOf);
        if (output.Length != query.Length) throw new ArgumentException("Output and query lengths differ.", nameof(output));
        query.CopyTo(output);
        for (int i = 0; i < Math.Min(neighbours, hits.Count); i++)
        {
            float weight = MathF.Pow(Math.Max(hits[i].Score, 0f), alpha);
            if (weight == 0) continue;
            var x = vectorOf(hits[i].Id).Span;
            for (int j = 0; j < output.Length; j++) output[j] += weight * x[j];
        }
        VectorMath.Normalize(output);
    }

    /// <summary>
    /// DBA over a whole catalog: every row of <paramref name="rows"/> (ids[i] is row i) becomes the αQE of itself with
    /// its <paramref name="neighbours"/> nearest other rows. One batched exact search over the catalog; returns new rows.
    /// </summary>
    public static float[] AugmentDatabase(IReadOnlyList<ItemId> ids, ReadOnlySpan<float> rows, int dimension, int neighbours, float alpha)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(neighbours);
        int count = ids.Count;
        if (rows.Length != count * dimension) throw new ArgumentException($"Expected {count}×{dimension} values, got {rows.Length}.", nameof(rows));
        using var index = new ExactVectorIndex(dimension, count);
        var rowOf = new Dictionary<ItemId, int>(count);
        for (int i = 0; i < count; i++)
        {
            index.Upsert(ids[i], rows.Slice(i * dimension, dimension));
            rowOf[ids[i]] = i;
        }
        var hits = index.SearchBatch(rows, count, new SearchRequest(Math.Min(neighbours, SearchRequest.MaxK)), ids.Select(id => (ItemId?)id).ToList());
        var source = rows.ToArray();
        var output = new float[source.Length];
        for (int i = 0; i < count; i++)
            Expand(source.AsSpan(i * dimension, dimension), hits[i], neighbours, alpha,
                id => source.AsMemory(rowOf[id] * dimension, dimension), output.AsSpan(i * dimension, dimension));
        return output;
    }

    /// <summary>
    /// Rocchio relevance feedback: <c>normalise(a·q + b·mean(relevant) − c·mean(non-relevant))</c>; an empty group
    /// contributes nothing. The query moves towards what the user marked relevant and away from the rest.
    /// </summary>
    public static void Rocchio(ReadOnlySpan<float> query, IReadOnlyList<ReadOnlyMemory<float>> relevant, IReadOnlyList<ReadOnlyMemory<float>> nonRelevant,
        float a, float b, float c, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(relevant);
        ArgumentNullException.ThrowIfNull(nonRelevant);
        if (output.Length != query.Length) throw new ArgumentException("Output and query lengths differ.", nameof(output));
        for (int j = 0; j < output.Length; j++) output[j] = a * query[j];
        AddMean(relevant, b, output);
        AddMean(nonRelevant, -c, output);
        VectorMath.Normalize(output);
    }

    private static void AddMean(IReadOnlyList<ReadOnlyMemory<float>> group, float weight, Span<float> output)
    {
        if (group.Count == 0 || weight == 0) return;
        float w = weight / group.Count;
        foreach (var vector in group)
        {
            var x = vector.Span;
            for (int j = 0; j < output.Length; j++) output[j] += w * x[j];
        }
    }
}
