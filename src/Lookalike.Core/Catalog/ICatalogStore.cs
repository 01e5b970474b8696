namespace Lookalike.Core.Catalog;

/// <summary>
/// The source of truth for items and their vectors. Writes are transactional per call: after a crash a call
/// has either fully happened or not at all. Implementations allow concurrent readers.
/// </summary>
public interface ICatalogStore : IDisposable
{
    /// <summary>Folder holding the store's files.</summary>
    string Location { get; }

    /// <summary>Counts, model, generation and sizes; cheap (reads no item rows' metadata).</summary>
    StoreInfo GetInfo();

    /// <summary>Metadata column names seen on items, sorted ordinally; reads every item's metadata.</summary>
    IReadOnlyList<string> GetMetadataColumns();

    /// <summary>The model the store's vectors were made with; null while the store has never been bound.</summary>
    ModelId? Model { get; }

    /// <summary>Records <paramref name="model"/> on an unbound store, or checks it matches the recorded one.</summary>
    /// <exception cref="Errors.LookalikeException"><see cref="Errors.LookalikeErrorKind.ModelMismatch"/> when it differs.</exception>
    void BindModel(ModelId model, int dimension);

    /// <summary>The folder items' ids are relative to; null until the first index run.</summary>
    string? Root { get; }

    void SetRoot(string root);

    IReadOnlyDictionary<ItemId, ItemFingerprint> GetFingerprints();

    /// <summary>Inserts or replaces items (with their vectors) in one transaction.</summary>
    void Upsert(IReadOnlyList<CatalogItem> items);

    /// <summary>Updates size/time (content unchanged) and metadata of existing items in one transaction; vectors stay.</summary>
    void UpdateDetails(IReadOnlyList<(ItemId Id, ItemFingerprint Fingerprint, IReadOnlyDictionary<string, string> Metadata)> items);

    /// <summary>Removes items in one transaction; returns how many existed.</summary>
    int Remove(IReadOnlyCollection<ItemId> ids);

    /// <summary>The item with its vector, or null.</summary>
    CatalogItem? Find(ItemId id);

    /// <summary>Streams every item, ordered by id, with vectors when <paramref name="withVectors"/>.</summary>
    IEnumerable<CatalogItem> ReadAll(bool withVectors);

    /// <summary>
    /// The store's vectors where they lie (memory-mapped), with the item of every row, for an index that scans them in
    /// place (<see cref="Search.MappedExactIndex"/>); null when the store has no vectors yet. The caller owns the result.
    /// </summary>
    /// <exception cref="Errors.LookalikeException">StoreCorrupt naming the vector file when it does not match the store.</exception>
    StoredVectors? OpenVectors();

    /// <summary>
    /// The store's vectors mapped through <paramref name="map"/> (a learned space), for an index that scans them in place
    /// as it would scan <see cref="OpenVectors"/>: the mapped rows are kept in a file beside the store under
    /// <paramref name="key"/>, so a later open with the same key maps only the rows written since. Null when the store
    /// has no vectors or cannot keep the file (read-only, or a store without vector files): the caller maps in memory.
    /// The caller owns the result.
    /// </summary>
    /// <param name="key">Names the map (e.g. the projection's key): a different key never reads this one's rows.</param>
    /// <param name="dimension">Values per mapped row.</param>
    /// <param name="map">Maps <c>count</c> consecutive raw rows into <c>count</c> rows of <paramref name="dimension"/> values.</param>
    StoredVectors? OpenMappedVectors(string key, int dimension, VectorRowMap map) => null;

    /// <summary>An item whose file had these bytes, if any.</summary>
    ItemId? FindByContentHash(string contentHash);

    /// <summary>The learned projection the store's vectors are searched through, or null (the raw space).</summary>
    /// <exception cref="Errors.LookalikeException">StoreCorrupt when the stored projection cannot be read.</exception>
    Learning.StoredProjection? GetProjection();

    /// <summary>Replaces the projection in one transaction (a failure leaves the previous one); returns it with its new version.</summary>
    Learning.StoredProjection SetProjection(Learning.ProjectionDescriptor descriptor, Learning.Projection projection);

    /// <summary>Returns the store to the raw space; false when it had no projection.</summary>
    bool DropProjection();

    /// <summary>
    /// How photo queries against this store are embedded (<c>lookalike config --query-views</c>); <see cref="Embedding.QueryViews.Full"/>
    /// (the whole photo, as the catalog was embedded) unless set. Catalog items are always embedded whole.
    /// </summary>
    /// <exception cref="Errors.LookalikeException">StoreCorrupt: the recorded value cannot be read.</exception>
    Embedding.QueryViews QueryViews { get; }

    /// <summary>Records the query views (<see cref="Embedding.QueryViews.Full"/> removes the setting). Vectors and generation are unchanged.</summary>
    void SetQueryViews(Embedding.QueryViews views);
}

/// <summary>Maps <paramref name="count"/> consecutive raw rows (row-major) into <paramref name="mapped"/>.</summary>
public delegate void VectorRowMap(ReadOnlySpan<float> raw, int count, Span<float> mapped);
