using System.Security.Cryptography;
using Lookalike.Core.Catalog;
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
        var predicate = Predicate(filter);
        var request = new SearchRequest(ShortlistK(CheckK(k)), predicate);
        int dimension = _index.Dimension;
        var resolved = new List<(int Slot, QueryDescription Description, ItemId? Exclude)>();
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
        var hits = _index.SearchBatch(matrix, vectors.Count, request, resolved.Select(r => r.Exclude).ToList());
        for (int v = 0; v < resolved.Count; v++)
        {
            var (slot, description, _) = resolved[v];
            answers[slot] = new BatchAnswer(queries[slot], new SimilarResult(description, ToResults(Rerank(vectors[v], hits[v], k))), null);
        }
        return answers;
    }

    /// <summary>A query's vector: an item's own (excluded from its results) or an embedded outside photo.</summary>
    private (QueryDescription Description, float[] Vector, ItemId? Exclude) Resolve(string query)
    {
        if (string.IsNullOrWhiteSpace(query)) throw LookalikeException.InvalidArgument("query", "Empty query.");
        ItemId? id = null;
        if (ItemId.TryParse(query, out var direct) && TryGetItem(direct, out _)) id = direct;
        byte[]? bytes = null;
        string path = Path.GetFullPath(query);
        if (id is null)
        {
            if (!File.Exists(path)) throw LookalikeException.NotFound(query, $"'{query}' is neither an item id in the store nor an image file.");
            if (_store.Root is { } root && ItemId.FromPath(root, path) is { } fromRoot && TryGetItem(fromRoot, out _)) id = fromRoot;
            else
            {
                bytes = ReadImageFile(path);
                if (_store.FindByContentHash(Convert.ToHexStringLower(SHA256.HashData(bytes))) is { } same && TryGetItem(same, out _)) id = same;
            }
        }
        if (id is { } itemId)
        {
            TryGetItem(itemId, out var item);
            float[] vector = _index.GetVector(itemId) ?? throw LookalikeException.NotFound(itemId.Value, $"No item '{itemId}' in the store.");
            return (new QueryDescription { Kind = "item", Id = itemId.Value, Path = item.Path, Metadata = item.Metadata }, vector, itemId);
        }
        return (new QueryDescription { Kind = "image", Path = path }, _space.Map(EmbedImage(bytes!, path)), null);
    }
}
