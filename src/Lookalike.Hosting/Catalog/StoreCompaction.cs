using System.Globalization;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Catalog;

/// <summary>
/// When a store's vector file is compacted. Every write appends rows, and a re-embedded, updated or removed item leaves
/// its old row dead; a write command (<c>index</c>, <c>vectors import</c>/<c>synth</c>) ends by compacting when dead rows
/// are more than <see cref="AutoDeadShare"/> of the file and at least <see cref="AutoMinDeadBytes"/>, and
/// <c>lookalike compact</c> does it whenever there is a dead row. See docs/architecture.md, "Vector files".
/// </summary>
public static class StoreCompaction
{
    /// <summary>A write command compacts when dead rows are more than this share of the vector file's rows…</summary>
    public const double AutoDeadShare = 0.25;

    /// <summary>…and take at least this many bytes (a small store is not worth rewriting for a few rows).</summary>
    public const long AutoMinDeadBytes = 1L << 20;

    /// <summary>Live and dead rows of the store's vector file; null for a store without one (empty, or a cluster).</summary>
    public static VectorFileUsage? Usage(ICatalogStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return (store as ICompactingStore)?.GetVectorUsage();
    }

    /// <summary>Whether a write command should compact a file in this state.</summary>
    public static bool IsDue(VectorFileUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return usage.DeadShare > AutoDeadShare && usage.DeadBytes >= AutoMinDeadBytes;
    }

    /// <summary>Compacts now; null when there was no dead row.</summary>
    /// <exception cref="LookalikeException">InvalidArgument for a store that keeps no vector file of its own (a cluster); StoreUnavailable; StoreCorrupt.</exception>
    public static VectorCompaction? Compact(ICatalogStore store, IProgress<(long Done, long Total)>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store is not ICompactingStore compacting)
            throw LookalikeException.InvalidArgument("store", $"Store {store.Location} keeps no vector file of its own to compact.");
        return compacting.CompactVectors(progress);
    }

    /// <summary>The end of a write command: compacts when <see cref="IsDue"/>, saying so on <paramref name="log"/>.</summary>
    public static VectorCompaction? CompactIfDue(ICatalogStore store, Action<string>? log = null, IProgress<(long Done, long Total)>? progress = null)
    {
        if (Usage(store) is not { } usage || !IsDue(usage)) return null;
        log?.Invoke(Starting(usage));
        var result = Compact(store, progress);
        if (result is not null) log?.Invoke(Summary(result));
        return result;
    }

    /// <summary>The line that opens a compaction (tests kill the process on it).</summary>
    public static string Starting(VectorFileUsage usage) => string.Create(CultureInfo.InvariantCulture,
        $"compact: copying {usage.LiveRows:N0} live rows of {usage.Rows:N0} in {usage.File} ({usage.DeadRows:N0} dead, {usage.DeadShare:P0}, {Mib(usage.DeadBytes)} to give back)");

    public static string Summary(VectorCompaction result) => string.Create(CultureInfo.InvariantCulture,
        $"compact: {result.From.File} → {result.To.File}: {result.From.Rows:N0} → {result.To.Rows:N0} rows, {Mib(result.From.FileBytes)} → {Mib(result.To.FileBytes)} in {result.Elapsed.TotalSeconds:0.00} s (writes held {result.WritesHeld.TotalSeconds:0.00} s)");

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MiB");
}
