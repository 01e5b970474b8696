using System.Globalization;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Hosting.Reliability;

/// <summary>
/// Puts a time limit on every decode (and thumbnail encode) of an inner decoder: a call that has not returned
/// within <see cref="Limit"/> fails with <see cref="LookalikeErrorKind.DecodeTimeout"/> naming the file ("decode did
/// not finish within 30 s"), and the caller moves on.
/// </summary>
/// <remarks>
/// The inner call runs as a thread-pool task over its own copy of the bytes while the caller waits for it or the
/// deadline, so a fast decode costs one task hand-off and no extra thread. A native decode cannot be aborted from
/// managed code: an abandoned call keeps its pool thread and its copy of the bytes until it returns; the inner
/// decoder's byte and pixel limits (<see cref="ImageDecoderOptions"/>) bound how long that can be. Its result, or
/// its exception, is dropped.
/// </remarks>
public sealed class TimeLimitedImageDecoder : IImageDecoder
{
    private readonly IImageDecoder _inner;
    private readonly TimeProvider _time;

    /// <param name="inner">The decoder doing the work; must be thread-safe (every <see cref="IImageDecoder"/> is).</param>
    /// <param name="limit">Longest time per call; positive.</param>
    /// <param name="time">The clock of the deadline; null: the system clock.</param>
    public TimeLimitedImageDecoder(IImageDecoder inner, TimeSpan limit, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero);
        _inner = inner;
        Limit = limit;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Longest time one call may take.</summary>
    public TimeSpan Limit { get; }

    public DecodedImage Decode(ReadOnlySpan<byte> data, string sourceName, ImageTarget? target = null)
    {
        byte[] copy = data.ToArray();
        return Run(() => _inner.Decode(copy, sourceName, target), sourceName, "decode");
    }

    public byte[] EncodeThumbnail(ReadOnlySpan<byte> data, string sourceName, int maxSide)
    {
        byte[] copy = data.ToArray();
        return Run(() => _inner.EncodeThumbnail(copy, sourceName, maxSide), sourceName, "thumbnail decode");
    }

    /// <summary>The inner decoder's photo, whose opening and every fit are time-limited as <see cref="Decode"/> is.</summary>
    public IDecodedPhoto Open(ReadOnlySpan<byte> data, string sourceName)
    {
        byte[] copy = data.ToArray();
        return new TimeLimitedPhoto(this, Run(() => _inner.Open(copy, sourceName), sourceName, "decode"), sourceName);
    }

    /// <summary>
    /// Fits of an inner photo under the time limit. A fit that ran out of time may still hold the inner photo's decode,
    /// so the inner photo is then disposed when that fit returns, not by <see cref="Dispose"/> (which would wait for it).
    /// </summary>
    private sealed class TimeLimitedPhoto(TimeLimitedImageDecoder owner, IDecodedPhoto inner, string sourceName) : IDecodedPhoto
    {
        private readonly List<Task> _abandoned = [];

        public int Width => inner.Width;

        public int Height => inner.Height;

        public DecodedImage Fit(ImageTarget target) => owner.Run(() => inner.Fit(target), sourceName, "decode", abandoned =>
        {
            lock (_abandoned) _abandoned.Add(abandoned);
        });

        public void Dispose()
        {
            Task[] running;
            lock (_abandoned) running = [.. _abandoned];
            if (running.Length == 0) inner.Dispose();
            else _ = Task.WhenAll(running).ContinueWith(_ => inner.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    private T Run<T>(Func<T> call, string sourceName, string what, Action<Task>? abandon = null)
    {
        // The deadline starts before the work, so a clock that is advanced once the work has begun always expires it.
        using var deadline = new CancellationTokenSource(Limit, _time);
        var work = Task.Run(call, CancellationToken.None);
        try
        {
            work.Wait(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // Dropped: its exception observed, a photo it opened disposed once it returns.
            _ = work.ContinueWith(static t =>
            {
                if (t.IsFaulted) _ = t.Exception;
                else if (t.Result is IDisposable late) late.Dispose();
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            abandon?.Invoke(work);
            throw new LookalikeException(LookalikeErrorKind.DecodeTimeout,
                $"{sourceName}: {what} did not finish within {Describe(Limit)}; the file is probably malformed (limit: --decode-timeout).", sourceName);
        }
        catch (AggregateException)
        {
            // Rethrown below as the inner decoder's own exception.
        }
        return work.GetAwaiter().GetResult();
    }

    private static string Describe(TimeSpan limit) =>
        limit.TotalSeconds >= 1 && limit.TotalSeconds == Math.Floor(limit.TotalSeconds)
            ? string.Create(CultureInfo.InvariantCulture, $"{limit.TotalSeconds:0} s")
            : string.Create(CultureInfo.InvariantCulture, $"{limit.TotalMilliseconds:0} ms");
}
