using Lookalike.Cluster.Client;
using Lookalike.Cluster.Contracts;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Learning;

namespace Lookalike.Cluster.Backend;

/// <summary>
/// The cluster as the application layer's catalog (<see cref="ICatalogStore"/>): reads go to one live replica of the
/// item's shard (or of every shard, merged), writes to every live replica (<see cref="ClusterWriter"/>). Files that
/// belong to this process — uploads, the thumbnail cache — live under <see cref="Location"/>, a folder on this machine.
/// </summary>
internal sealed class ClusterCatalogStore(ClusterSession session, string location, bool ownsSession = false) : ICatalogStore
{
    private const int ExportBatch = 512;
    private ModelId? _model;

    public string Location { get; } = location;

    public ModelId? Model
    {
        get
        {
            if (_model is { } known) return known;
            var model = Statuses().Select(s => s.Model).FirstOrDefault(m => m is not null);
            if (model is not null) _model = new ModelId(model);
            return _model;
        }
    }

    public string? Root => null;

    /// <summary>Summed over one fresh replica of every shard; <see cref="StoreInfo.Location"/> is the cluster's address.</summary>
    public StoreInfo GetInfo()
    {
        var statuses = Statuses();
        var model = statuses.Select(s => s.Model).FirstOrDefault(m => m is not null);
        return new StoreInfo
        {
            Location = session.Client.Connection.ToString(),
            Items = statuses.Sum(s => s.Items),
            Model = model is null ? null : new ModelId(model),
            Dimension = statuses.Select(s => s.Dimension).FirstOrDefault(d => d > 0),
            StoreBytes = statuses.Sum(s => s.StoreBytes),
            SchemaVersion = statuses.Select(s => s.SchemaVersion).DefaultIfEmpty().Max(),
            Generation = statuses.Sum(s => s.Generation),
        };
    }

    public IReadOnlyList<string> GetMetadataColumns() =>
        [.. EveryShard(replica => replica.Columns()).SelectMany(c => c).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public void BindModel(ModelId model, int dimension)
    {
        if (model.Value.Split('@')[0] != session.Shape.Model)
            throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                $"The cluster holds vectors of model '{session.Shape.Model}', not '{model}'.", session.Client.Connection.ToString());
    }

    public void SetRoot(string root) => throw NotOnCluster("an indexed folder");

    public IReadOnlyDictionary<ItemId, ItemFingerprint> GetFingerprints() =>
        ReadAll(withVectors: false).ToDictionary(i => i.Id, i => new ItemFingerprint(i.ContentHash, i.SizeBytes, i.ModifiedUtc));

    public void Upsert(IReadOnlyList<CatalogItem> items) => Wait(session.Writer.UpsertAsync(items));

    public void UpdateDetails(IReadOnlyList<(ItemId Id, ItemFingerprint Fingerprint, IReadOnlyDictionary<string, string> Metadata)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var changed = new List<CatalogItem>(items.Count);
        foreach (var (id, fingerprint, metadata) in items)
        {
            if (Find(id) is not { } item) continue;
            changed.Add(item with { ContentHash = fingerprint.ContentHash, SizeBytes = fingerprint.SizeBytes, ModifiedUtc = fingerprint.ModifiedUtc, Metadata = metadata });
        }
        if (changed.Count > 0) Upsert(changed);
    }

    public int Remove(IReadOnlyCollection<ItemId> ids) => Wait(session.Writer.RemoveAsync(ids));

    public CatalogItem? Find(ItemId id) => Wait(session.Search.FindAsync(id)) is { } item ? ShardItems.ToCatalogItem(item) : null;

    /// <summary>Every shard's items from one fresh replica each, merged in ordinal id order.</summary>
    public IEnumerable<CatalogItem> ReadAll(bool withVectors)
    {
        var items = EveryShard(async replica =>
        {
            var shard = new List<ShardItem>();
            await foreach (var batch in replica.Export(ExportBatch)) shard.AddRange(batch);
            return shard;
        }).SelectMany(s => s).Select(ShardItems.ToCatalogItem);
        if (!withVectors) items = items.Select(i => i with { Vector = ReadOnlyMemory<float>.Empty });
        return items.OrderBy(i => i.Id, ItemId.Ordinal).ToList();
    }

    /// <summary>None here: the vectors stay on the shards, which search them where they lie.</summary>
    public StoredVectors? OpenVectors() => null;

    /// <summary>Not on a cluster yet: a catalog photo given as a file is not turned into its item (it is searched as a photo).</summary>
    public ItemId? FindByContentHash(string contentHash) => null;

    /// <summary>A cluster serves raw vectors (no learned projection yet).</summary>
    public StoredProjection? GetProjection() => null;

    public StoredProjection SetProjection(ProjectionDescriptor descriptor, Projection projection) => throw NotOnCluster("a learned projection");

    public bool DropProjection() => false;

    /// <summary>A cluster's photo queries embed the whole photo (a per-store view setting is not kept on the shards).</summary>
    public Core.Embedding.QueryViews QueryViews => Core.Embedding.QueryViews.Full;

    public void SetQueryViews(Core.Embedding.QueryViews views) => throw NotOnCluster("query views");

    /// <summary>Disposes the session when this catalog owns it (see <see cref="ClusterStoreBackend"/>).</summary>
    public void Dispose()
    {
        if (ownsSession) session.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private ReplicaStatus[] Statuses() => EveryShard(async replica =>
    {
        var status = await replica.Status();
        // A replica that missed writes reports a count it is about to change: ask another.
        return status.Stale ? throw new InvalidOperationException($"Replica {status.Silo}/{status.Shard} is catching up.") : status;
    });

    /// <summary>One fresh replica of every shard answers <paramref name="call"/>.</summary>
    private T[] EveryShard<T>(Func<IShardReplicaGrain, Task<T>> call) =>
        Wait(Task.WhenAll(Enumerable.Range(0, session.Shape.Shards).Select(shard => session.Router.ReadAsync(shard, call))));

    /// <summary>Blocks on a cluster call (the catalog contract is synchronous, as SQLite is); its failures as StoreUnavailable.</summary>
    internal static T Wait<T>(Task<T> call)
    {
        try
        {
            return call.GetAwaiter().GetResult();
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

    internal static void Wait(Task call) => Wait(WithResult(call));

    private static async Task<bool> WithResult(Task call)
    {
        await call;
        return true;
    }

    private static LookalikeException NotOnCluster(string what) =>
        LookalikeException.InvalidArgument("cluster", $"A cluster does not keep {what} yet; use a single store for that.");
}
