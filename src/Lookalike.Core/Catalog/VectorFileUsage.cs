namespace Lookalike.Core.Catalog;

/// <summary>
/// How much of a store's append-only vector file is live: every write appends rows, and a re-embedded, updated or
/// removed item leaves its old row behind (dead) until a compaction (<see cref="ICompactingStore"/>) drops it.
/// </summary>
/// <param name="File">The current vector file's name inside the store folder.</param>
/// <param name="Dimension">Values per row (float32).</param>
/// <param name="Rows">Rows in the file.</param>
/// <param name="LiveRows">Rows an item refers to.</param>
/// <param name="FileBytes">The file's length on disk.</param>
public sealed record VectorFileUsage(string File, int Dimension, long Rows, long LiveRows, long FileBytes)
{
    public long DeadRows => Rows - LiveRows;

    /// <summary>Bytes of the dead rows: what a compaction gives back.</summary>
    public long DeadBytes => DeadRows * Dimension * sizeof(float);

    /// <summary>Bytes of the live rows alone (the raw vector bytes).</summary>
    public long LiveBytes => LiveRows * Dimension * sizeof(float);

    /// <summary>Dead rows as a share of all rows (0 for an empty file).</summary>
    public double DeadShare => Rows == 0 ? 0 : DeadRows / (double)Rows;
}

/// <summary>What one compaction did.</summary>
/// <param name="From">The vector file before.</param>
/// <param name="To">The vector file now (the live rows in their previous order, then rows written during the copy).</param>
/// <param name="Elapsed">The whole compaction.</param>
/// <param name="WritesHeld">How long it held the store's write lock (creating the file, then the switch): the longest a
/// write made meanwhile waited for it.</param>
public sealed record VectorCompaction(VectorFileUsage From, VectorFileUsage To, TimeSpan Elapsed, TimeSpan WritesHeld);

/// <summary>A store whose vectors live in an append-only file that a compaction can rewrite without its dead rows.</summary>
public interface ICompactingStore
{
    /// <summary>Live and dead rows and bytes of the current vector file; null when the store has no vector file yet.</summary>
    VectorFileUsage? GetVectorUsage();

    /// <summary>
    /// Writes the live rows into a new vector file and switches the store to it in one commit, so a crash leaves the old
    /// state or the new, both whole; readers that have the old file mapped keep answering from it. Returns null when
    /// there is nothing to drop (no dead rows, or no vector file).
    /// </summary>
    /// <param name="progress">Live rows copied so far, of all of them.</param>
    /// <exception cref="Errors.LookalikeException">StoreUnavailable (cannot write, disk full, another writer holds the store), StoreCorrupt.</exception>
    VectorCompaction? CompactVectors(IProgress<(long Done, long Total)>? progress = null);
}
