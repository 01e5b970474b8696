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

    private T Run<T>(Func<T> call, string sourceName, string what)
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
            _ = work.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
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
