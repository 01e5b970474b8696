using System.Diagnostics;
using System.Globalization;

namespace Lookalike.Cli.Output;

/// <summary>
/// Progress of a long build (an HNSW graph, an import) on stderr: a redrawn line with done/total, rate and ETA on a
/// terminal, a plain line every few seconds when redirected.
/// </summary>
internal sealed class BuildProgress(string label) : IProgress<(int Done, int Total)>
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Stopwatch _sinceLast = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private readonly bool _interactive = !Console.IsErrorRedirected;

    public void Report((int Done, int Total) value)
    {
        lock (_lock)
        {
            bool finished = value.Done >= value.Total;
            var interval = _interactive ? TimeSpan.FromMilliseconds(200) : TimeSpan.FromSeconds(5);
            if (!finished && _sinceLast.Elapsed < interval) return;
            _sinceLast.Restart();
            double rate = value.Done / Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
            string eta = !finished && rate > 0 ? $" · ETA {TimeSpan.FromSeconds((value.Total - value.Done) / rate):h\\:mm\\:ss}" : "";
            int width = 30, filled = value.Total > 0 ? (int)((long)width * value.Done / value.Total) : width;
            string bar = new string('█', filled) + new string('░', width - filled);
            string line = string.Create(CultureInfo.InvariantCulture,
                $"{label} {bar} {value.Done:N0}/{value.Total:N0} · {rate:N0}/s{eta}");
            if (_interactive) Console.Error.Write("\r" + line + (finished ? "\n" : ""));
            else Console.Error.WriteLine(line);
        }
    }
}
