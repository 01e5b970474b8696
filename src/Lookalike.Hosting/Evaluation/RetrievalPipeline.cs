using System.Diagnostics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;

namespace Lookalike.Hosting.Evaluation;

/// <summary>
/// The search-time improvements of <see cref="RetrievalOptions"/> over a catalog's vectors, shared by both evaluation
/// protocols: one-off preparation (PCA(-whitening) learned on the catalog, then DBA) and the search path (search, αQE
/// re-search, k-reciprocal re-ranking, simulated Rocchio re-search). Queries come in raw and are transformed here.
/// </summary>
internal sealed class RetrievalPipeline : IDisposable
{
    private readonly RetrievalOptions _options;
    private readonly ExactVectorIndex _index;
    private readonly float[] _vectors;
    private readonly Dictionary<ItemId, int> _rowOf;
    private readonly Func<ItemId, string?> _labelOf;

    private RetrievalPipeline(RetrievalOptions options, ExactVectorIndex index, float[] vectors, Dictionary<ItemId, int> rowOf, PcaWhitening? pca, Func<ItemId, string?> labelOf, double prepareSeconds)
    {
        _options = options;
        _index = index;
        _vectors = vectors;
        _rowOf = rowOf;
        _labelOf = labelOf;
        Pca = pca;
        PrepareSeconds = prepareSeconds;
    }

    /// <summary>The PCA learned on the catalog, or null.</summary>
    public PcaWhitening? Pca { get; }

    /// <summary>Dimension of the searched vectors (after any reduction).</summary>
    public int Dimension => _index.Dimension;

    public double PrepareSeconds { get; }

    public double BytesPerItem => _index.Count == 0 ? 0 : _index.MemoryBytes / (double)_index.Count;

    /// <summary>
    /// Prepares the catalog <paramref name="ids"/> with raw unit vectors <paramref name="raw"/> (row-major,
    /// <paramref name="rawDimension"/> wide). <paramref name="labelOf"/> feeds the simulated Rocchio feedback only.
    /// </summary>
    public static RetrievalPipeline Prepare(IReadOnlyList<ItemId> ids, float[] raw, int rawDimension, RetrievalOptions options, Func<ItemId, string?> labelOf, IProgress<string>? progress)
    {
        var prepare = Stopwatch.StartNew();
        PcaWhitening? pca = null;
        float[] vectors = raw;
        int dimension = rawDimension;
        if (options.Projection is { } projection)
        {
            if (projection.InputDimension != rawDimension)
                throw Core.Errors.LookalikeException.InvalidArgument("projection", $"The projection takes {projection.InputDimension}-d vectors; the store's are {rawDimension}-d.");
            vectors = projection.ApplyAll(raw, ids.Count);
            dimension = projection.OutputDimension;
        }
        if (options.PcaDimension > 0)
        {
            if (options.PcaDimension > dimension) throw Core.Errors.LookalikeException.InvalidArgument("pca", $"PCA dimension must be at most the vectors' {dimension}; got {options.PcaDimension}.");
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

        var index = new ExactVectorIndex(dimension, ids.Count);
        var rowOf = new Dictionary<ItemId, int>(ids.Count);
        for (int i = 0; i < ids.Count; i++)
        {
            index.Upsert(ids[i], vectors.AsSpan(i * dimension, dimension));
            rowOf[ids[i]] = i;
        }
        return new RetrievalPipeline(options, index, vectors, rowOf, pca, labelOf, prepare.Elapsed.TotalSeconds);
    }

    /// <summary>The prepared (transformed, augmented) catalog vector of <paramref name="id"/>.</summary>
    public ReadOnlyMemory<float> VectorOf(ItemId id) => _vectors.AsMemory(_rowOf[id] * Dimension, Dimension);

    /// <summary>Raw query vectors (row-major, the catalog's raw dimension) into the searched space: the learned projection, then the PCA, if any.</summary>
    public float[] TransformQueries(float[] raw, int count)
    {
        var projected = _options.Projection is { } projection ? projection.ApplyAll(raw, count) : raw;
        return Pca is null ? projected : Pca.TransformAll(projected, count);
    }

    /// <summary>
    /// The top <see cref="RetrievalOptions.K"/> of each query of <paramref name="matrix"/> (already in the searched
    /// space), excluding <paramref name="exclude"/>[q]; <paramref name="labels"/>[q] is the query's label for Rocchio.
    /// </summary>
    public IReadOnlyList<SearchHit>[] SearchBatch(float[] matrix, int count, IReadOnlyList<ItemId?> exclude, IReadOnlyList<string?> labels)
    {
        int dimension = Dimension;
        var hits = _index.SearchBatch(matrix, count, new SearchRequest(FirstK), exclude);
        if (_options.QeNeighbours > 0)
        {
            var expanded = new float[matrix.Length];
            for (int q = 0; q < count; q++)
                QueryExpansion.Expand(matrix.AsSpan(q * dimension, dimension), hits[q], _options.QeNeighbours, _options.Alpha, VectorOf, expanded.AsSpan(q * dimension, dimension));
            matrix = expanded;
            hits = _index.SearchBatch(matrix, count, new SearchRequest(SecondK), exclude);
        }
        if (_options.Rerank is { } rerank)
        {
            for (int q = 0; q < count; q++)
                hits[q] = KReciprocalRerank.Rerank(matrix.AsSpan(q * dimension, dimension), hits[q].Take(rerank.Shortlist).ToList(), VectorOf, rerank);
        }
        if (_options.Rocchio)
        {
            var moved = new float[matrix.Length];
            for (int q = 0; q < count; q++) Feedback(labels[q], matrix.AsSpan(q * dimension, dimension), hits[q], moved.AsSpan(q * dimension, dimension));
            hits = _index.SearchBatch(moved, count, new SearchRequest(_options.K), exclude);
        }
        return hits.Select(h => (IReadOnlyList<SearchHit>)h.Take(_options.K).ToList()).ToArray();
    }

    /// <summary>Mean milliseconds of the single-query path of catalog items (PCA transform of the raw vector included).</summary>
    public double TimeSingleQueries(List<ItemId> queries, Func<ItemId, ReadOnlyMemory<float>> rawVectorOf)
    {
        if (queries.Count == 0) return 0;
        int dimension = Dimension;
        var transformed = new float[dimension];
        var projected = new float[_options.Projection?.OutputDimension ?? 0];
        var expanded = new float[dimension];
        var watch = Stopwatch.StartNew();
        foreach (var id in queries)
        {
            ReadOnlySpan<float> query;
            if (Pca is not null || _options.Projection is not null)
            {
                // The whole path a photo query pays: its raw vector through the projection and the PCA.
                query = rawVectorOf(id).Span;
                if (_options.Projection is { } projection)
                {
                    projection.Apply(query, projected);
                    query = projected;
                }
                if (Pca is not null)
                {
                    Pca.Transform(query, transformed);
                    query = transformed;
                }
            }
            else query = VectorOf(id).Span;
            var hits = _index.Search(query, new SearchRequest(FirstK, Exclude: id));
            if (_options.QeNeighbours > 0)
            {
                QueryExpansion.Expand(query, hits, _options.QeNeighbours, _options.Alpha, VectorOf, expanded);
                query = expanded;
                hits = _index.Search(query, new SearchRequest(SecondK, Exclude: id));
            }
            if (_options.Rerank is { } rerank)
                hits = KReciprocalRerank.Rerank(query, hits.Take(rerank.Shortlist).ToList(), VectorOf, rerank);
            if (_options.Rocchio)
            {
                var moved = new float[dimension];
                Feedback(_labelOf(id), query, hits, moved);
                _index.Search(moved, new SearchRequest(_options.K, Exclude: id));
            }
        }
        return watch.Elapsed.TotalMilliseconds / queries.Count;
    }

    public void Dispose() => _index.Dispose();

    /// <summary>Results of the first search: enough for αQE, else for the re-ranking shortlist, else k.</summary>
    private int FirstK => Math.Max(_options.QeNeighbours, SecondK);

    /// <summary>Results of the search whose list is scored (or re-ranked first).</summary>
    private int SecondK => Math.Min(SearchRequest.MaxK, Math.Max(_options.K, _options.Rerank?.Shortlist ?? 0));

    private void Feedback(string? label, ReadOnlySpan<float> vector, IReadOnlyList<SearchHit> page, Span<float> output)
    {
        var relevant = new List<ReadOnlyMemory<float>>();
        var other = new List<ReadOnlyMemory<float>>();
        foreach (var hit in page.Take(_options.K))
            (label is not null && _labelOf(hit.Id) == label ? relevant : other).Add(VectorOf(hit.Id));
        QueryExpansion.Rocchio(vector, relevant, other, 1f, 0.75f, 0.15f, output);
    }
}
