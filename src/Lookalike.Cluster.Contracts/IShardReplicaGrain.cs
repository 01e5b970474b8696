using Orleans.Concurrency;

namespace Lookalike.Cluster.Contracts;

/// <summary>
/// One replica of one shard: a Lookalike store on the disk of the silo the key names (<see cref="ReplicaKey"/>),
/// pinned there by placement. Reads (<see cref="ReadOnlyAttribute"/>) run concurrently with each other; a write runs
/// alone. A failed call changes nothing.
/// </summary>
public interface IShardReplicaGrain : IGrainWithStringKey
{
    /// <summary>Inserts or replaces items in one transaction; returns the replica's item count after.</summary>
    Task<int> Upsert(ShardItem[] items);

    /// <summary>Removes items in one transaction; returns how many this replica held.</summary>
    Task<int> Remove(string[] ids);

    /// <summary>The metadata column names this replica's items have, sorted ordinally.</summary>
    [ReadOnly]
    Task<string[]> Columns();

    /// <summary>Appends feedback events of users of this shard (durably); returns how many were new here.</summary>
    Task<int> AddFeedback(FeedbackRecord[] events);

    /// <summary>Up to <paramref name="max"/> events with a sequence above <paramref name="afterSequence"/>, in sequence order.</summary>
    [ReadOnly]
    Task<FeedbackRecord[]> ReadFeedback(long afterSequence, int max);

    /// <summary>One user's events in sequence order.</summary>
    [ReadOnly]
    Task<FeedbackRecord[]> UserFeedback(string user);

    /// <summary>Removes every event of the user; returns how many this replica held.</summary>
    Task<int> RemoveUserFeedback(string user);

    /// <summary>
    /// Reads, decodes and embeds these photos on this replica's silo with the cluster's model (<c>index --cluster</c>);
    /// stores nothing — the client writes the items to every replica. A photo that fails is reported, not thrown.
    /// </summary>
    /// <remarks>Its own response timeout: a batch waits for the silo's one embedding slot, and a loaded silo embeds
    /// slowly; the client's 30 s would fail healthy work (and re-embed it elsewhere).</remarks>
    [ReadOnly]
    [ResponseTimeout("00:10:00")]
    Task<IndexOutcome> Embed(IndexWork[] work);

    /// <summary>This replica's top-k for a vector already in the search space.</summary>
    [ReadOnly]
    Task<ShardAnswer> Search(ShardQuery query);

    /// <summary>An item with its vector (as indexed), or null when this shard does not hold it.</summary>
    [ReadOnly]
    Task<ShardItem?> Find(string id);

    [ReadOnly]
    Task<ReplicaStatus> Status();

    /// <summary>
    /// Every item of this replica with its vector, in batches of at most <paramref name="batch"/> — what a replica that
    /// missed writes copies from. A replica that is itself stale refuses.
    /// </summary>
    IAsyncEnumerable<ShardItem[]> Export(int batch);

    /// <summary>
    /// Checks this replica's store as <c>lookalike verify</c> does (SQLite, vector file, index cache): each error as
    /// <c>[check] problem</c>, empty when healthy. A store that does not even open is one error saying why.
    /// </summary>
    [ReadOnly]
    Task<string[]> Verify();

    /// <summary>
    /// Replaces this replica's store with a copy from a fresh replica of the shard: marks itself stale (no reads meanwhile),
    /// moves the damaged store aside (kept), and copies. Call it only when another replica of the shard is healthy.
    /// </summary>
    Task<ReplicaRepair> Repair();
}
