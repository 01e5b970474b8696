using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Core.Catalog;
using Lookalike.Hosting;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Reliability;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike compact</c>: drops the dead rows of the store's vector file (left by re-embedded, updated and removed
/// items) by writing the live ones into a new file and switching to it in one commit. Write commands do it on their own
/// past a share of dead rows (<see cref="StoreCompaction"/>); this does it now, whatever the share.
/// </summary>
internal static class CompactCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var command = new Command("compact",
            "Drop the dead rows of a store's vector file (left by re-indexing, updates and removals): the live rows go into a new file, switched to in one commit; a running server keeps answering.")
        {
            store, json,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            string directory = StoreLocation.Resolve(parse.GetValue(store));
            using var opened = LookalikeStore.Open(new LookalikeStoreOptions { Store = directory });
            // The bulk writers' lock: a running `index` is not made to wait behind a rewrite of the whole file, nor this behind it.
            using var writerLock = StoreWriterLock.Acquire(directory);
            var before = StoreCompaction.Usage(opened.Catalog);
            VectorCompaction? result = null;
            if (before is { DeadRows: > 0 })
            {
                await Console.Error.WriteLineAsync(StoreCompaction.Starting(before));
                var bar = new BuildProgress("compacting");
                result = StoreCompaction.Compact(opened.Catalog, new Progress64(bar));
            }
            var after = StoreCompaction.Usage(opened.Catalog);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteLine(new
                {
                    location = opened.Location,
                    compacted = result is not null,
                    seconds = result?.Elapsed.TotalSeconds ?? 0,
                    writes_held_seconds = result?.WritesHeld.TotalSeconds ?? 0,
                    before = View(result?.From ?? before),
                    after = View(after),
                });
            }
            else if (result is not null) await Console.Out.WriteLineAsync(StoreCompaction.Summary(result));
            else await Console.Out.WriteLineAsync(before is null
                ? $"nothing to compact: {opened.Location} has no vector file yet"
                : $"nothing to compact: {before.File} has no dead rows ({before.Rows:N0} rows, {before.FileBytes / 1048576.0:0.0} MiB)");
            return CommandRunner.Ok;
        }));
        return command;
    }

    /// <summary>A vector file's rows and bytes as <c>compact --json</c> and <c>info --json</c> print them.</summary>
    public static object? View(VectorFileUsage? usage) => usage is null ? null : new
    {
        file = usage.File,
        rows = usage.Rows,
        live_rows = usage.LiveRows,
        dead_rows = usage.DeadRows,
        file_bytes = usage.FileBytes,
        live_vector_bytes = usage.LiveBytes,
    };

    private sealed class Progress64(BuildProgress bar) : IProgress<(long Done, long Total)>
    {
        public void Report((long Done, long Total) value)
        {
            // The moment the new file exists and the copy begins (the crash tests kill the process on this line).
            if (value.Done == 0) Console.Error.WriteLine($"compact: writing {value.Total:N0} rows into the new vector file");
            else bar.Report(((int)value.Done, (int)value.Total));
        }
    }
}
