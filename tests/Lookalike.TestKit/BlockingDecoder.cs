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

    /// <summary>Opens with the real decoder; a hanging file's header is read, and its fits (where pixels are decoded) block.</summary>
    public IDecodedPhoto Open(ReadOnlySpan<byte> data, string sourceName)
    {
        var photo = real.Open(data, sourceName);
        return sourceName.Contains(HangMarker, StringComparison.Ordinal) ? new HangingPhoto(this, photo) : photo;
    }

    private sealed class HangingPhoto(BlockingDecoder owner, IDecodedPhoto photo) : IDecodedPhoto
    {
        public int Width => photo.Width;

        public int Height => photo.Height;

        public DecodedImage Fit(ImageTarget target)
        {
            owner.Hang();
            return photo.Fit(target);
        }

        public void Dispose() => photo.Dispose();
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
