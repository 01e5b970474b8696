using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Core.Imaging;
using Lookalike.Hosting;
using Lookalike.Hosting.Explain;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Recommendations;
using Lookalike.Hosting.Serving;
using Lookalike.Hosting.Watch;
using Microsoft.Extensions.Options;

namespace Lookalike.Server;

/// <summary>
/// The process's one store, one loaded index and one model session, shared by every request. The store and index are
/// loaded once at start (<see cref="CatalogLoader"/>); a store that is missing, damaged or made with another model
/// stops the server before it listens. The model session (seconds to load) loads in the background
/// (<see cref="BackgroundEmbedder"/>): catalog queries are answered at once, photo jobs wait for it up to
/// <see cref="LookalikeServerOptions.ModelWaitSeconds"/> and then get 503 with Retry-After. Disposed with the host.
/// </summary>
public sealed class ServerCatalog : IDisposable
{
    private readonly LookalikeServerOptions _options;
    private readonly IImageEmbedder _embedder;
    private readonly Func<ImageDecoderOptions, IImageDecoder> _createDecoder;
    private readonly ILogger<ServerCatalog> _logger;
    private readonly Lazy<Loaded> _loaded;
    private readonly SemaphoreSlim _imageJobs;
    private readonly IStoreBackend? _backend;

    private sealed record Loaded(LookalikeStore Store, UploadedItems Uploads, ThumbnailCache Thumbnails, PhotoFiles Photos, ExplainService Explain, LiveFolderSync? Watch);

    /// <param name="options">Server options; <see cref="LookalikeServerOptions.Store"/> names the store.</param>
    /// <param name="embedder">The model session; owned by the container, never disposed here.</param>
    /// <param name="logger">Where the load is reported.</param>
    /// <param name="createDecoder">Makes the decoders (upload and thumbnail); null: <see cref="LookalikeComponents.CreateDecoder"/>.</param>
    /// <param name="backend">Where the catalog lives (e.g. a cluster, registered by <c>serve --cluster</c>); null: the store folder <see cref="LookalikeServerOptions.Store"/>.</param>
    public ServerCatalog(IOptions<LookalikeServerOptions> options, IImageEmbedder embedder, ILogger<ServerCatalog> logger,
        Func<ImageDecoderOptions, IImageDecoder>? createDecoder = null, IStoreBackend? backend = null)
    {
        _backend = backend;
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _embedder = embedder;
        _createDecoder = createDecoder ?? LookalikeComponents.CreateDecoder;
        _logger = logger;
        _imageJobs = new SemaphoreSlim(_options.MaxConcurrentImageJobs, _options.MaxConcurrentImageJobs);
        _loaded = new Lazy<Loaded>(Load, LazyThreadSafetyMode.ExecutionAndPublication);
        if (embedder is BackgroundEmbedder pending)
            pending.Completion.ContinueWith(t => _logger.LogError("The model {Model} failed to load: {Message}. Queries by id work; photo queries and uploads answer 503.",
                pending.ModelName, t.Exception?.InnerException?.Message), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>Absolute path of the store folder.</summary>
    public string StorePath => StoreLocation.Resolve(_options.Store);

    /// <summary>Whether adding and removing items needs the API key.</summary>
    public bool WritesNeedApiKey => !string.IsNullOrEmpty(_options.ApiKey);

    /// <summary>True once the store is open and its vectors are in the index: id, vector and listing queries are answered.</summary>
    public bool IsReady => _loaded.IsValueCreated;

    /// <summary>Where the photo model stands: <c>ready</c>, <c>loading</c>, or <c>failed: …</c> (photo queries then answer the failure).</summary>
    public string ModelState => _embedder is BackgroundEmbedder pending
        ? pending.IsLoaded ? "ready" : pending.Failure is { } failure ? $"failed: {failure}" : "loading"
        : "ready";

    /// <summary>The model photos are embedded with: its id once loaded, its name while loading.</summary>
    public string ModelDescription => _embedder is BackgroundEmbedder { IsLoaded: false } pending ? pending.ModelName : _embedder.Model.Value;

    public QueryService Query => _loaded.Value.Store.Query;

    public UploadedItems Uploads => _loaded.Value.Uploads;

    public ThumbnailCache Thumbnails => _loaded.Value.Thumbnails;

    /// <summary>Which photo files may be served: real paths under the indexed folder or the uploads folder.</summary>
    public PhotoFiles Photos => _loaded.Value.Photos;

    /// <summary>What keeps the store in step with <see cref="LookalikeServerOptions.Watch"/>; null without a watched folder.</summary>
    public LiveFolderSync? FolderSync => _loaded.Value.Watch;

    /// <summary>Explanations of look-alikes; its feature-map session for the store's model is made on first use.</summary>
    public ExplainService Explain => _loaded.Value.Explain;

    /// <summary>
    /// Feedback and recommendations over this catalog, opened on first use (building the engine reads every stored
    /// event, which a server that only answers look-alikes need not pay for). A failed open is retried on the next call.
    /// </summary>
    /// <exception cref="LookalikeException">StoreUnavailable (e.g. a read-only store without the feedback schema) or StoreCorrupt.</exception>
    public RecommendationService Recommendations => OpenRecommendations();

    /// <summary>
    /// Opens <see cref="Recommendations"/> on a pool thread, so the first person to ask does not wait for the engine to be
    /// built (seconds for tens of thousands of events); a failure is logged and retried on first use.
    /// </summary>
    public void WarmRecommendationsInBackground() => _ = Task.Run(() =>
    {
        try
        {
            _ = OpenRecommendations();
        }
        catch (Exception e) when (e is LookalikeException or ObjectDisposedException)
        {
            _logger.LogWarning("Recommendations not loaded at start ({Message}); retried on first use.", e.Message);
        }
    });

    /// <summary>Loads the explainer's feature-map session on a pool thread after start (see <see cref="ExplainService.Warm"/>).</summary>
    internal void WarmExplainInBackground()
    {
        try
        {
            Explain.Warm();
        }
        catch (ObjectDisposedException)
        {
            // stopped before it finished
        }
    }

    /// <summary>The feedback side of the store (read a user's events); opened with <see cref="Recommendations"/>.</summary>
    public Core.Feedback.IFeedbackStore Feedback
    {
        get
        {
            _ = OpenRecommendations();
            return _loaded.Value.Store.Feedback;
        }
    }

    /// <summary>Opens the store and loads the index and the model now; idempotent.</summary>
    /// <exception cref="LookalikeException">NotFound, StoreCorrupt, ModelUnavailable or ModelMismatch.</exception>
    public void EnsureLoaded() => _ = _loaded.Value;

    /// <summary>
    /// Runs a decode-and-embed job once one of <see cref="LookalikeServerOptions.MaxConcurrentImageJobs"/> slots is free,
    /// so a burst of uploads queues instead of decoding every photo in memory at once.
    /// </summary>
    /// <param name="needsModel">Whether the job embeds (false for thumbnails): such a job first waits for the model.</param>
    /// <exception cref="LookalikeException">NotReady when the model is still loading after <see cref="LookalikeServerOptions.ModelWaitSeconds"/>; the load's failure when it failed.</exception>
    public async Task<T> RunImageJobAsync<T>(Func<T> job, CancellationToken cancellationToken, bool needsModel = true)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (needsModel && _embedder is BackgroundEmbedder { IsLoaded: false } pending
            && !await pending.WaitAsync(TimeSpan.FromSeconds(_options.ModelWaitSeconds), cancellationToken))
            throw new LookalikeException(LookalikeErrorKind.NotReady,
                $"The model ({pending.ModelName}) is still loading; catalog queries by id work now, photo queries in a few seconds. Retry then.");
        await _imageJobs.WaitAsync(cancellationToken);
        try
        {
            return job();
        }
        finally
        {
            _imageJobs.Release();
        }
    }

    public void Dispose()
    {
        if (_loaded.IsValueCreated)
        {
            _loaded.Value.Watch?.Dispose();
            _loaded.Value.Explain.Dispose();
            _loaded.Value.Store.Dispose();
        }
        _imageJobs.Dispose();
    }

    private RecommendationService OpenRecommendations()
    {
        var store = _loaded.Value.Store;
        if (store.AreRecommendationsLoaded) return store.Recommendations;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var service = store.Recommendations;
        _logger.LogInformation("Loaded {Events} feedback events for recommendations in {Milliseconds} ms",
            service.Engine.Size.Events, clock.ElapsedMilliseconds);
        return service;
    }

    /// <summary>
    /// Whether the embedder can be the store's model. A model still loading is judged by name (a built-in name other than
    /// the store's cannot be); a manifest path or the same name is checked again when loaded (photo queries answer 409 then).
    /// </summary>
    private bool MayMatch(ModelId stored)
    {
        if (_embedder is BackgroundEmbedder { IsLoaded: false } pending)
            return pending.ModelName == stored.Value.Split('@')[0] || pending.ModelName.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        return _embedder.Model == stored;
    }

    private Loaded Load()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Uploads are hostile until proven otherwise: tighter limits than for indexing a folder one trusts.
        var decodeTimeout = TimeSpan.FromSeconds(_options.DecodeTimeoutSeconds);
        var uploadDecoder = _createDecoder(new ImageDecoderOptions { MaxFileBytes = _options.MaxUploadBytes, MaxPixels = _options.MaxImagePixels, DecodeTimeout = decodeTimeout });
        var store = LookalikeStore.Open(new LookalikeStoreOptions
        {
            Store = _options.Store,
            Backend = _backend,
            SharedEmbedder = _embedder,
            Decoder = uploadDecoder,
            Query = new QueryOptions
            {
                Index = string.IsNullOrWhiteSpace(_options.Index) ? IndexSpec.Auto : IndexSpec.Parse(_options.Index),
                Log = message => _logger.LogInformation("{Message}", message),
            },
        });
        try
        {
            string location = store.Location;
            if (store.Catalog.Model is { } model && !MayMatch(model))
            {
                // A model we could compute is a misconfiguration; imported vectors are served by id without photo search.
                if (LookalikeComponents.CanCompute(model))
                    throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                        $"Store {location} holds vectors of model '{model}', but the server's model is '{_embedder.Model}'. Serve it with --model {model.Value.Split('@')[0]}.",
                        location);
                _logger.LogWarning("Store {Store} holds imported vectors of model '{Model}', which this server cannot compute: look-alikes by item id and recommendations work; photo search and uploads answer 409 (model mismatch).",
                    location, model);
            }
            var query = store.Query;
            // Checked now, so a wrong folder stops the start: a store indexed from another folder would lose its items.
            var watch = string.IsNullOrEmpty(_options.Watch) ? null
                : new LiveFolderSync(store, _embedder, _options.Watch, _options.WatchLabels, decodeTimeout);
            var photos = new PhotoFiles(store.Catalog.Root ?? watch?.Folder, Path.Combine(location, UploadedItems.Folder));
            var thumbnails = new ThumbnailCache(_createDecoder(new ImageDecoderOptions { DecodeTimeout = decodeTimeout }), Path.Combine(location, "cache", "thumbnails"), _options.ThumbnailMemoryBytes, photos);
            _logger.LogInformation("Loaded {Items} items from {Store} ({Index}, model {Model}) in {Milliseconds} ms",
                query.Count, location, query.Index.Spec, ModelDescription, clock.ElapsedMilliseconds);
            return new Loaded(store, new UploadedItems(query, location), thumbnails, photos, new ExplainService(query, uploadDecoder, photos: photos), watch);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }
}

/// <summary>Loads the catalog while the host starts, before the server listens.</summary>
internal sealed class CatalogLoader(ServerCatalog catalog) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        catalog.EnsureLoaded();
        catalog.WarmRecommendationsInBackground();
        _ = Task.Run(catalog.WarmExplainInBackground, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
