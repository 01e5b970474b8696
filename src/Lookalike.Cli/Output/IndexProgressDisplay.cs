using System.Diagnostics;
using System.Globalization;
using Lookalike.Hosting.Ingest;
using Spectre.Console;

namespace Lookalike.Cli.Output;

/// <summary>
/// Shows an index run on stderr, ingest and the HNSW build in one display: live bars (done/total, images/s, ETA) on a
/// terminal, or a plain line every few seconds when stderr is redirected (CI logs, pipes). Notes print above the bars.
/// </summary>
internal static class IndexProgressDisplay
{
    public static async Task<T> RunAsync<T>(Func<IIndexObserver, Task<T>> run)
    {
        if (Console.IsErrorRedirected || !Terminal.Error.Profile.Capabilities.Interactive)
            return await run(new PlainObserver());

        return await Terminal.Error.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var observer = new BarObserver(context);
                var result = await run(observer);
                observer.Finish();
                return result;
            });
    }

    private static string Describe(IngestProgress p) => string.Create(CultureInfo.InvariantCulture,
        $"{p.Done}/{p.Total} files · {p.ImagesPerSecond:0.0} img/s{(p.Failed > 0 ? $" · {p.Failed} failed" : "")}");

    private sealed class BarObserver(ProgressContext context) : IIndexObserver, IProgress<IngestProgress>
    {
        private readonly Lock _lock = new();
        private readonly List<ProgressTask> _tasks = [];
        private ProgressTask? _ingest;

        public IProgress<IngestProgress> Ingest => this;

        public void Note(string line) => Terminal.Error.MarkupLine(Markup.Escape(line));

        public void Report(IngestProgress value)
        {
            lock (_lock)
            {
                _ingest ??= Add("indexing");
                _ingest.MaxValue = Math.Max(1, value.Total);
                _ingest.Value = Math.Max(_ingest.Value, value.Done);
                _ingest.Description = Describe(value);
            }
        }

        public IProgress<(int Done, int Total)> IndexBuild(string label)
        {
            ProgressTask? task = null;
            return new Progress(value =>
            {
                lock (_lock)
                {
                    task ??= Add(label);
                    task.MaxValue = Math.Max(1, value.Total);
                    task.Value = value.Done;
                }
            });
        }

        public void Finish()
        {
            foreach (var task in _tasks) task.Value = task.MaxValue;
        }

        private ProgressTask Add(string description)
        {
            var task = context.AddTask(Markup.Escape(description), maxValue: 1);
            _tasks.Add(task);
            return task;
        }
    }

    private sealed class PlainObserver : IIndexObserver, IProgress<IngestProgress>
    {
        private readonly Lock _lock = new();
        private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
        private bool _first = true;
        private bool _finished;

        public IProgress<IngestProgress> Ingest => this;

        public void Note(string line) => Console.Error.WriteLine(line);

        public IProgress<(int Done, int Total)> IndexBuild(string label) => new BuildProgress(label);

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

    /// <summary>Reports synchronously on the caller's thread (System.Progress would post to the pool).</summary>
    private sealed class Progress(Action<(int Done, int Total)> report) : IProgress<(int Done, int Total)>
    {
        public void Report((int Done, int Total) value) => report(value);
    }
}
