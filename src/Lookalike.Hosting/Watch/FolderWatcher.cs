using System.Threading.Channels;

namespace Lookalike.Hosting.Watch;

/// <summary>
/// Runs a synchronisation of a folder whenever it changes: file-system events (created, changed, deleted, renamed,
/// anywhere below), gathered until the folder has been quiet for <c>quiet</c> (so a copy of many photos is one run,
/// never more than <c>4 × quiet</c> late), plus a rescan every <c>rescan</c> for what events miss (network file
/// systems, an overflowed event buffer, changes made while a run was going). Runs never overlap; a run that fails is
/// reported through <c>failed</c> and the watch goes on.
/// </summary>
public sealed class FolderWatcher(string folder, TimeSpan quiet, TimeSpan rescan, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>
    /// Calls <paramref name="sync"/> once at start, then after each burst of changes and every rescan interval, until
    /// <paramref name="cancellationToken"/> is cancelled (then returns without throwing).
    /// </summary>
    /// <param name="sync">The run; its argument says why it runs ("start", "changes", "rescan").</param>
    /// <param name="failed">Called with a run's exception; the next change or rescan runs again.</param>
    public async Task RunAsync(Func<string, CancellationToken, Task> sync, Action<Exception>? failed = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sync);
        if (!Directory.Exists(Folder)) throw Core.Errors.LookalikeException.NotFound(Folder, $"Folder not found: {Folder}");
        var signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var watcher = new FileSystemWatcher(Folder)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
            InternalBufferSize = 64 * 1024,
        };
        FileSystemEventHandler changed = (_, e) => { if (!IsHidden(e.FullPath)) signals.Writer.TryWrite(true); };
        watcher.Created += changed;
        watcher.Changed += changed;
        watcher.Deleted += changed;
        watcher.Renamed += (_, e) => signals.Writer.TryWrite(true);
        watcher.Error += (_, _) => signals.Writer.TryWrite(true); // an overflow: rescan now
        watcher.EnableRaisingEvents = true;

        await RunOnce("start").ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            string reason;
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                wait.CancelAfter(rescan);
                try
                {
                    await signals.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
                    reason = "changes";
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    reason = "rescan";
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            if (reason == "changes" && !await QuietAsync(signals.Reader, cancellationToken).ConfigureAwait(false)) return;
            await RunOnce(reason).ConfigureAwait(false);
        }

        async Task RunOnce(string why)
        {
            try
            {
                await sync(why, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failed?.Invoke(e);
            }
        }
    }

    /// <summary>Waits until no event came for <c>quiet</c>, at most 4 × quiet; false when cancelled.</summary>
    private async Task<bool> QuietAsync(ChannelReader<bool> signals, CancellationToken cancellationToken)
    {
        long start = _time.GetTimestamp();
        while (_time.GetElapsedTime(start) < 4 * quiet)
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(quiet);
            try
            {
                await signals.ReadAsync(wait.Token).ConfigureAwait(false); // another event: keep waiting
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return true; // quiet
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        return true;
    }

    private bool IsHidden(string path) =>
        Path.GetRelativePath(Folder, path).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'));
}
