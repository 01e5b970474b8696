using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Imaging;

namespace Lookalike.Hosting.Serving;

/// <summary>
/// An embedder whose model session loads on a pool thread from construction (seconds for an ONNX graph), so a server
/// answers catalog queries while it loads. <see cref="IsLoaded"/> and <see cref="Failure"/> say where the load stands;
/// <see cref="WaitAsync"/> waits for it with a bound; every <see cref="IImageEmbedder"/> member waits for it without one
/// (and throws the load's failure, e.g. ModelUnavailable). Thread-safe; disposing releases the session once loaded.
/// </summary>
public sealed class BackgroundEmbedder : IImageEmbedder
{
    private readonly Task<IImageEmbedder> _load;
    private int _disposed;

    /// <param name="modelName">The model being loaded (e.g. <c>resnet18</c>), known before it is.</param>
    /// <param name="load">Loads the model session; run once, on a pool thread.</param>
    public BackgroundEmbedder(string modelName, Func<IImageEmbedder> load)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ArgumentNullException.ThrowIfNull(load);
        ModelName = modelName;
        _load = Task.Run(load);
    }

    /// <summary>The name of the model being loaded, without its fingerprint.</summary>
    public string ModelName { get; }

    /// <summary>True once the session is loaded.</summary>
    public bool IsLoaded => _load.IsCompletedSuccessfully;

    /// <summary>Completes when the load ends: faulted with its failure, or with the session.</summary>
    public Task Completion => _load;

    /// <summary>Why the load failed; null while loading or once loaded.</summary>
    public string? Failure => _load.IsFaulted ? _load.Exception!.InnerException?.Message ?? _load.Exception.Message : null;

    /// <summary>Waits up to <paramref name="timeout"/> for the model: true once loaded, false while still loading.</summary>
    /// <exception cref="Core.Errors.LookalikeException">The load failed (ModelUnavailable, …).</exception>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _load.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private IImageEmbedder Loaded
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _load.GetAwaiter().GetResult();
        }
    }

    public ModelId Model => Loaded.Model;

    public int Dimension => Loaded.Dimension;

    public ImageTarget Target => Loaded.Target;

    public int BatchSize => Loaded.BatchSize;

    public void Embed(DecodedImage image, Span<float> destination) => Loaded.Embed(image, destination);

    public void EmbedBatch(IReadOnlyList<DecodedImage> images, Span<float> destination) => Loaded.EmbedBatch(images, destination);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        // A session still loading is released when it arrives.
        _load.ContinueWith(static t => { if (t.IsCompletedSuccessfully) t.Result.Dispose(); }, CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
