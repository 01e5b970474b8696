using System.Diagnostics;
using System.Globalization;
using Lookalike.Hosting.Ingest;
using Spectre.Console;

namespace Lookalike.Cli.Output;

/// <summary>
/// Shows an index run's progress on stderr: a live bar (done/total, images/s, ETA) on a terminal, or a plain line
/// every few seconds when stderr is redirected (CI logs, pipes).
/// </summary>
internal static class IndexProgressDisplay
{
    public static async Task<IngestSummary> RunAsync(Func<IProgress<IngestProgress>, Task<IngestSummary>> run)
    {
        if (Console.IsErrorRedirected || !Terminal.Error.Profile.Capabilities.Interactive)
            return await run(new PlainReporter());

        return await Terminal.Error.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("indexing", maxValue: 1);
                var reporter = new BarReporter(task);
                var summary = await run(reporter);
                task.Value = task.MaxValue;
                return summary;
            });
    }

    private static string Describe(IngestProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Done}/{p.Total} files · {p.ImagesPerSecond:0.0} img/s{(p.Failed > 0 ? $" · {p.Failed} failed" : "")}");

    private sealed class BarReporter(ProgressTask task) : IProgress<IngestProgress>
    {
        private readonly Lock _lock = new();

        public void Report(IngestProgress value)
        {
            lock (_lock)
            {
                task.MaxValue = Math.Max(1, value.Total);
                task.Value = Math.Max(task.Value, value.Done);
                task.Description = Describe(value);
            }
        }
    }

    private sealed class PlainReporter : IProgress<IngestProgress>
    {
        private readonly Lock _lock = new();
        private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
        private bool _first = true;
        private bool _finished;

        public void Report(IngestProgress value)
        {
            lock (_lock)
            {
                bool finished = value.Done >= value.Total;
                if (_finished || (!_first && !finished && _sinceLast.Elapsed < TimeSpan.FromSeconds(3))) return;
                _finished = finished;
                _first = false;
                _sinceLast.Restart();
                double rate = value.ImagesPerSecond;
                int left = value.Total - value.Done;
                string eta = rate > 0 && left > 0 ? $" · ETA {TimeSpan.FromSeconds(left / rate):h\\:mm\\:ss}" : "";
                string percent = value.Total > 0 ? (100.0 * value.Done / value.Total).ToString("0", CultureInfo.InvariantCulture) : "100";
                Console.Error.WriteLine($"indexing {percent}% · {Describe(value)}{eta}");
            }
        }
    }
}
