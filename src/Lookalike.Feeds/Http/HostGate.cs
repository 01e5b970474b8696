using System.Collections.Concurrent;

namespace Lookalike.Feeds.Http;

/// <summary>
/// Politeness per host: at most <c>maxPerHost</c> requests in flight to one host, and their starts at least
/// <c>interval</c> apart. Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class HostGate(int maxPerHost, TimeSpan interval, TimeProvider time)
{
    private sealed class Host(int slots)
    {
        public SemaphoreSlim Slots { get; } = new(slots, slots);
        public long NextStart; // TimeProvider timestamp ticks; guarded by lock (this)
    }

    private readonly ConcurrentDictionary<string, Host> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Waits for a slot on <paramref name="url"/>'s host and for its turn; dispose the result to free the slot.</summary>
    public async Task<IDisposable> EnterAsync(Uri url, CancellationToken cancellationToken)
    {
        var host = _hosts.GetOrAdd(url.Host, _ => new Host(maxPerHost));
        await host.Slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (interval > TimeSpan.Zero)
            {
                TimeSpan wait;
                lock (host)
                {
                    long now = time.GetTimestamp();
                    long start = Math.Max(now, host.NextStart);
                    host.NextStart = start + (long)(interval.TotalSeconds * time.TimestampFrequency);
                    wait = time.GetElapsedTime(now, start);
                }
                if (wait > TimeSpan.Zero) await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
            }
            return new Slot(host.Slots);
        }
        catch
        {
            host.Slots.Release();
            throw;
        }
    }

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
