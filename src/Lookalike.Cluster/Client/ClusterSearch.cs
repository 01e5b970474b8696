using Lookalike.Cluster.Contracts;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Query;

namespace Lookalike.Cluster.Client;

/// <summary>
/// Scatter-gather look-alikes: the query is resolved to one vector (an item's vector from its shard, or an outside
/// photo embedded once, here), every shard answers its top-k from one live replica, and the lists are merged by
/// score, ties by id — the order a single store loaded by id gives. With the exact index the result equals a
/// single-machine store holding the same items.
/// </summary>
public sealed class ClusterSearch(ReplicaRouter router) : IDisposable
{
    private readonly Lazy<Core.Embedding.IImageEmbedder> _embedder = new(() => LookalikeComponents.CreateEmbedder(router.Shape.Model));
    private readonly Lazy<Core.Imaging.IImageDecoder> _decoder = new(() => LookalikeComponents.CreateDecoder());

    /// <summary>Look-alikes of an item id in the cluster, else of an image file (embedded with the cluster's model).</summary>
    /// <exception cref="LookalikeException">NotFound (neither an item nor a file), InvalidArgument (k, filter), StoreUnavailable (a shard with no live replica).</exception>
    public async Task<SimilarResult> SimilarAsync(string query, int k, IReadOnlyList<string> where)
    {
        if (string.IsNullOrWhiteSpace(query)) throw LookalikeException.InvalidArgument("query", "Empty query.");
        if (ItemId.TryParse(query, out var id) && await FindAsync(id) is { } item)
        {
            var description = new QueryDescription { Kind = "item", Id = item.Id, Path = item.Path, Metadata = item.Metadata };
            return new SimilarResult(description, await SearchAsync(item.Vector, k, where, item.Id));
        }
        string path = Path.GetFullPath(query);
        if (!File.Exists(path)) throw LookalikeException.NotFound(query, $"'{query}' is neither an item id in the cluster nor an image file.");
        float[] vector = Embed(await File.ReadAllBytesAsync(path), path);
        return new SimilarResult(new QueryDescription { Kind = "image", Path = path }, await SearchAsync(vector, k, where, exclude: null));
    }

    /// <summary>The item with its vector from a live replica of its shard, or null when the cluster does not hold it.</summary>
    public Task<ShardItem?> FindAsync(ItemId id) =>
        Translated(() => router.ReadAsync(ShardMap.ShardOf(id.Value, router.Shape.Shards), replica => replica.Find(id.Value)));

    /// <summary>Top-<paramref name="k"/> over every shard for a vector in the search space.</summary>
    public async Task<IReadOnlyList<RankedItem>> SearchAsync(float[] vector, int k, IReadOnlyList<string> where, string? exclude)
    {
        ArgumentNullException.ThrowIfNull(vector);
        SearchRequest.CheckK(k);
        _ = ItemFilter.Parse(where); // malformed conditions fail here, once, not on every shard
        var request = new ShardQuery { Vector = vector, K = k, Where = [.. where], Exclude = exclude };
        var answers = await Translated(() => Task.WhenAll(Enumerable.Range(0, router.Shape.Shards).Select(shard => router.ReadAsync(shard, replica => replica.Search(request)))));
        CheckColumns(answers);
        return Merge(answers, k);
    }

    /// <summary>The shards' lists merged: score descending, ties by id (ordinal), first <paramref name="k"/>, ranked from 1.</summary>
    public static IReadOnlyList<RankedItem> Merge(IEnumerable<ShardAnswer> answers, int k)
    {
        ArgumentNullException.ThrowIfNull(answers);
        return answers.SelectMany(a => a.Hits)
            .OrderByDescending(h => h.Score).ThenBy(h => h.Id, StringComparer.Ordinal)
            .Take(k)
            .Select((h, i) => new RankedItem(i + 1, h.Id, h.Path, h.Score, h.Metadata))
            .ToList();
    }

    public void Dispose()
    {
        if (_embedder.IsValueCreated) _embedder.Value.Dispose();
    }

    /// <summary>Failures of the cluster (a shard with no live replica, a lost gateway) as the domain's StoreUnavailable.</summary>
    private static async Task<T> Translated<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ShardUnavailableException e)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, e.Message, $"shard {e.Shard}", e);
        }
        catch (Exception e) when (e is not LookalikeException and not OperationCanceledException)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"The cluster did not answer: {e.Message}", null, e);
        }
    }

    /// <summary>A filter column is unknown only when no shard has it (as a single store rejects a column no item has).</summary>
    private static void CheckColumns(ShardAnswer[] answers)
    {
        var unknownEverywhere = answers.Select(a => (IEnumerable<string>)a.UnknownColumns)
            .Aggregate((a, b) => a.Intersect(b, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknownEverywhere.Count == 0 || answers.Any(a => a.UnknownColumns.Length == 0)) return;
        var known = answers.SelectMany(a => a.Columns).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        throw LookalikeException.InvalidArgument("where",
            $"Unknown metadata column '{unknownEverywhere[0]}'. Known columns: {(known.Count == 0 ? "(none; index with --labels)" : string.Join(", ", known))}.");
    }

    private float[] Embed(byte[] bytes, string path)
    {
        var embedder = _embedder.Value;
        var image = _decoder.Value.Decode(bytes, path, embedder.Target);
        var vector = new float[embedder.Dimension];
        embedder.Embed(image, vector);
        return vector;
    }
}
