using Lookalike.Core.Errors;

namespace Lookalike.Storage.Sqlite.Vectors;

/// <summary>
/// One compaction of a store at a time, across processes: an exclusive lock on <c>compact.lock</c> beside the catalog
/// (an advisory <c>flock</c> on Unix, a sharing lock on Windows), held by a compaction from creating the next vector file
/// until its switch commits — most of that time without the store's write lock, so writes go on meanwhile. A write only
/// peeks at it: while it is held, the next vector file is a compaction's work in progress, not a leftover to remove.
/// The file itself stays (removing a lock file races with the next taker); the OS releases the lock when its holder dies.
/// </summary>
internal sealed class CompactionLock : IDisposable
{
    public const string FileName = "compact.lock";

    private readonly FileStream _file;

    private CompactionLock(FileStream file) => _file = file;

    /// <summary>Takes the lock for a compaction, waiting up to <paramref name="wait"/> for a write that is peeking at it.</summary>
    /// <exception cref="LookalikeException">StoreUnavailable when another compaction holds it, or the folder cannot be written.</exception>
    public static CompactionLock Take(string directory, TimeSpan wait)
    {
        string path = Path.Combine(directory, FileName);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new CompactionLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (clock.Elapsed < wait)
            {
                Thread.Sleep(20);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LookalikeException(LookalikeErrorKind.StoreUnavailable,
                    $"Cannot compact {directory}: another compaction of this store is running, or {path} cannot be opened ({e.Message}).", directory, e);
            }
        }
    }

    /// <summary>
    /// For a write, inside its write transaction: the lock when no compaction holds it (hold it while removing
    /// leftovers), or null with <paramref name="compacting"/> true when one does. A store where no compaction ever ran
    /// has no lock file: then null and false (a compaction creates its file only inside a write transaction, after
    /// creating the lock file, so none can be under way).
    /// </summary>
    public static CompactionLock? Peek(string directory, out bool compacting)
    {
        compacting = false;
        string path = Path.Combine(directory, FileName);
        try
        {
            return new CompactionLock(new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            compacting = true; // held (or a lock file this process may not open): leave the other vector files alone
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
