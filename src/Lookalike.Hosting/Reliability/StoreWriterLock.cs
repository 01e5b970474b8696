using System.Globalization;
using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Reliability;

/// <summary>
/// One bulk writer per store: <c>lookalike index</c> holds <c>&lt;store&gt;/writer.lock</c> open with
/// <see cref="FileShare.None"/> (an exclusive advisory lock on Linux and macOS, a sharing lock on Windows) for its
/// whole run, and records its PID in <c>writer.pid</c> beside it. A second <c>index</c> on the same store fails at
/// once with "store is locked by PID …" instead of interleaving with the first. The operating system drops the
/// lock when the holder exits or is killed, so a crash never leaves a stale lock; a stale <c>writer.pid</c> is
/// harmless. Single-item writes (the server's add/remove) do not take this lock: each is one SQLite
/// <c>BEGIN IMMEDIATE</c> transaction that waits up to the busy timeout (30 s) for a running batch.
/// </summary>
public sealed class StoreWriterLock : IDisposable
{
    public const string LockFile = "writer.lock";
    public const string PidFile = "writer.pid";

    private readonly FileStream _stream;

    private StoreWriterLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock on the store folder <paramref name="storeDirectory"/> (created when absent).</summary>
    /// <exception cref="LookalikeException">StoreUnavailable when another process holds it, naming its PID.</exception>
    public static StoreWriterLock Acquire(string storeDirectory)
    {
        string full = Path.GetFullPath(storeDirectory);
        string lockPath = Path.Combine(full, LockFile), pidPath = Path.Combine(full, PidFile);
        FileStream stream;
        try
        {
            Directory.CreateDirectory(full);
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(lockPath))
        {
            string holder = ReadPid(pidPath) is { } pid ? $"PID {pid}" : "another process";
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable,
                $"store is locked by {holder}: another 'lookalike index' is writing {full}. Wait for it to finish, or stop it; the lock is released when it exits.",
                full, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LookalikeException(LookalikeErrorKind.StoreUnavailable, $"Cannot lock store {full} for writing: {e.Message}", full, e);
        }
        try
        {
            File.WriteAllText(pidPath, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The PID is only for the message a second writer prints; the lock itself holds.
        }
        return new StoreWriterLock(stream);
    }

    private static string? ReadPid(string pidPath)
    {
        try
        {
            string text = File.ReadAllText(pidPath).Trim();
            return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int pid) ? pid.ToString(CultureInfo.InvariantCulture) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => _stream.Dispose();
}
