namespace Lookalike.Cluster.Client;

/// <summary>
/// Right after a silo dies, calls to grains it hosted (or whose directory entries it held) fail on messaging until
/// Orleans declares it dead and moves them — tens of seconds. Calls that may land there retry with backoff for up to
/// <see cref="Window"/> when, and only when, they failed on messaging alone.
/// </summary>
public static class MessagingRetry
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(30);

    public static bool IsMessagingFailure(Exception e) => e is Orleans.Runtime.OrleansException or TimeoutException;

    /// <summary>The delay before the next try, or null when the window is spent.</summary>
    public static TimeSpan? NextDelay(TimeProvider time, long startedTimestamp, ref TimeSpan delay)
    {
        if (time.GetElapsedTime(startedTimestamp) + delay > Window) return null;
        var now = delay;
        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
        return now;
    }

    /// <summary>Runs <paramref name="call"/>, trying again on messaging failures until <see cref="Window"/> is spent.</summary>
    public static Task RunAsync(Func<Task> call, TimeProvider? time = null) =>
        RunAsync(async () => { await call(); return true; }, time);

    /// <inheritdoc cref="RunAsync(Func{Task}, TimeProvider?)"/>
    public static async Task<T> RunAsync<T>(Func<Task<T>> call, TimeProvider? time = null)
    {
        time ??= TimeProvider.System;
        long started = time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (IsMessagingFailure(e) && NextDelay(time, started, ref delay) is { } wait)
            {
                await Task.Delay(wait, time);
            }
        }
    }
}
