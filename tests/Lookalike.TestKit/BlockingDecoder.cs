using Lookalike.Core.Imaging;

namespace Lookalike.TestKit;

/// <summary>
/// A test double for the one thing no real file does to Skia: a decode that never returns. Files whose name contains
/// <see cref="HangMarker"/> block until <see cref="Dispose"/>; every other file goes to the real decoder.
/// </summary>
public sealed class BlockingDecoder(IImageDecoder real) : IImageDecoder, IDisposable
{
    public const string HangMarker = "hang";

    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _blocked;
    private int _returned;

    /// <summary>Completes when the first hanging decode has begun.</summary>
    public Task Entered => _entered.Task;

    /// <summary>Hanging decodes that have begun.</summary>
    public int Blocked => Volatile.Read(ref _blocked);

    /// <summary>Hanging decodes that have returned (after <see cref="Dispose"/>).</summary>
    public int Returned => Volatile.Read(ref _returned);

    public DecodedImage Decode(ReadOnlySpan<byte> data, string sourceName, ImageTarget? target = null)
    {
        if (sourceName.Contains(HangMarker, StringComparison.Ordinal)) Hang();
        return real.Decode(data, sourceName, target);
    }

    public byte[] EncodeThumbnail(ReadOnlySpan<byte> data, string sourceName, int maxSide)
    {
        if (sourceName.Contains(HangMarker, StringComparison.Ordinal)) Hang();
        return real.EncodeThumbnail(data, sourceName, maxSide);
    }

    /// <summary>Lets every blocked decode return (each then decodes its file for real).</summary>
    public void Dispose()
    {
        _release.Set();
    }

    private void Hang()
    {
        Interlocked.Increment(ref _blocked);
        _entered.TrySetResult();
        _release.Wait();
        Interlocked.Increment(ref _returned);
    }
}
