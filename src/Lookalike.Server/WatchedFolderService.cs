using System.Globalization;
using Microsoft.Extensions.Options;

namespace Lookalike.Server;

/// <summary>
/// <c>serve --watch DIR</c>: runs <see cref="ServerCatalog.FolderSync"/> for the host's lifetime, so photos added to,
/// changed in or deleted from the folder are answered (or gone) within seconds, without a restart. Idle without
/// <see cref="LookalikeServerOptions.Watch"/>.
/// </summary>
internal sealed class WatchedFolderService(ServerCatalog catalog, IOptions<LookalikeServerOptions> options, ILogger<WatchedFolderService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (catalog.FolderSync is not { } sync) return Task.CompletedTask;
        var o = options.Value;
        logger.LogInformation("Watching {Folder} (rescan every {Rescan} s)", sync.Folder, o.WatchRescanSeconds.ToString(CultureInfo.InvariantCulture));
        // On a pool thread: the first run indexes the whole folder, which must not hold up the host's start.
        return Task.Run(() => sync.RunAsync(TimeSpan.FromSeconds(o.WatchQuietSeconds), TimeSpan.FromSeconds(o.WatchRescanSeconds),
            (why, summary) =>
            {
                if (why == "start" || summary.Added + summary.Updated + summary.Removed + summary.Failures.Count > 0)
                    logger.LogInformation("{Folder} ({Why}): {Added} added, {Updated} updated, {Removed} removed, {Failed} failed in {Milliseconds} ms",
                        sync.Folder, why, summary.Added, summary.Updated, summary.Removed, summary.Failures.Count, (long)summary.Elapsed.TotalMilliseconds);
                foreach (var failure in summary.Failures)
                    logger.LogWarning("{Path}: {Kind}: {Message}", failure.Path, failure.Kind, failure.Message);
            },
            error => logger.LogError(error, "Syncing {Folder} failed; the watch goes on", sync.Folder),
            stoppingToken), CancellationToken.None);
    }
}
