using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Core.Search;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Reliability;
using Lookalike.Hosting.Search;

namespace Lookalike.Hosting.Ingest;

/// <summary>What one <c>index</c> run does: a folder to bring the store up to date with (optional), then the vector index.</summary>
public sealed record IndexJob
{
    /// <summary>Store folder; null: <see cref="StoreLocation.Resolve"/>.</summary>
    public string? Store { get; init; }

    /// <summary>Folder of photos (searched recursively); null: only the vector index is (re)built.</summary>
    public string? Folder { get; init; }

    /// <summary>Model name or manifest path; null: the store's own model, or <see cref="LookalikeComponents.DefaultModel"/> for a new store (<see cref="LookalikeComponents.ModelFor"/>).</summary>
    public string? Model { get; init; }

    /// <summary>Labels CSV (a <c>file</c> column plus metadata columns); null: metadata stays as stored.</summary>
    public string? Labels { get; init; }

    /// <summary>Metadata rows by item id given in memory (a feed's own columns); used when <see cref="Labels"/> is null.</summary>
    public IReadOnlyDictionary<ItemId, IReadOnlyDictionary<string, string>>? LabelRows { get; init; }

    /// <summary>Remove stored items whose file has vanished.</summary>
    public bool Prune { get; init; }

    /// <summary>Workers, device, precision and batch of the model.</summary>
    public EmbedderChoice Embedding { get; init; } = new();

    /// <summary>Longest decode of one photo; null: <see cref="ImageDecoderOptions.DecodeTimeout"/>'s default; zero disables.</summary>
    public TimeSpan? DecodeTimeout { get; init; }

    /// <summary>Vector index to build after ingest; null: <see cref="IndexSpec.Auto"/> (HNSW above 50,000 items).</summary>
    public IndexSpec? Index { get; init; }
}

/// <summary>Where an index run reports: one-line notes, ingest progress, and the HNSW build's progress.</summary>
public interface IIndexObserver
{
    void Note(string line);

    IProgress<IngestProgress>? Ingest { get; }

    /// <summary>(items done, total) while the HNSW graph is built; the label names the index.</summary>
    IProgress<(int Done, int Total)>? IndexBuild(string label);
}

/// <summary>What an index run did.</summary>
public sealed record IndexOutcome(IngestSummary? Ingest, string? Index);

/// <summary>
/// <c>index</c> as one application call: under one writer lock, ingest the folder (when given), then build or refresh
/// the HNSW graph, so no other writer can slip in between and the first query does not wait for the graph.
/// </summary>
public static class CatalogIndexer
{
    /// <exception cref="LookalikeException">InvalidArgument (neither folder nor index), NotFound, StoreUnavailable (locked by another writer), ModelUnavailable, ModelMismatch.</exception>
    public static async Task<IndexOutcome> RunAsync(IndexJob job, IIndexObserver observer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(observer);
        if (job.Folder is null && job.Index is null)
            throw LookalikeException.InvalidArgument("folder", "Give a folder to index, or --index SPEC to (re)build the store's vector index.");
        string directory = StoreLocation.Resolve(job.Store);
        var labels = job.Labels is null ? null : LabelsFile.Load(job.Labels);
        // One bulk writer per store: a second index fails at once with "store is locked by PID …" (docs/reliability.md).
        using var writerLock = StoreWriterLock.Acquire(directory);
        using var store = LookalikeComponents.OpenStore(directory, create: job.Folder is not null);
        IngestSummary? summary = null;
        if (job.Folder is { } folder)
        {
            // An existing store keeps its model (and so its precision) without --model; a new one gets the default recipe
            // at the default precision of this CPU.
            using var embedder = job.Embedding.Create(LookalikeComponents.ModelFor(store.Model, job.Model, job.Embedding.Precision), out string description, out string? deviceNote);
            // Refused before any photo is read, also when every photo is unchanged (nothing would be written to refuse it).
            if (store.Model is { } held && held != embedder.Model)
                throw new LookalikeException(LookalikeErrorKind.ModelMismatch,
                    $"Store {directory} holds vectors of model '{held}', not '{embedder.Model}'. Use the same --model and --precision, or another --store for this model.", held.Value);
            if (store.Model is null && job.Model is null && job.Embedding.Precision is null)
                description += $" · new store: {LookalikeComponents.DefaultPrecisionReason}, --precision to choose";
            // A new store of the default recipe also gets the default query views, recorded like its model; a store made
            // before (no setting: the whole photo) or with a --model keeps answering photo queries as it did.
            if (store.Model is null && job.Model is null && store.GetInfo().Items == 0)
            {
                store.SetQueryViews(LookalikeComponents.NewStoreQueryViews);
                observer.Note($"query views {LookalikeComponents.NewStoreQueryViews}: photo queries also through a closer zoom (default of a new store; 'lookalike config --query-views full' embeds them whole)");
            }
            var decoderOptions = new ImageDecoderOptions();
            if (job.DecodeTimeout is { } limit) decoderOptions.DecodeTimeout = limit;
            var pipeline = new IngestPipeline(store, LookalikeComponents.CreateDecoder(decoderOptions), embedder, job.Embedding.IngestOptions(), decoderOptions);
            observer.Note($"model {embedder.Model} ({embedder.Dimension}-d) · store {directory} · {description}");
            if (deviceNote is not null) observer.Note($"note: {deviceNote}");
            summary = await pipeline.RunAsync(new IngestRequest(folder, labels?.Rows ?? job.LabelRows, job.Prune), observer.Ingest, cancellationToken).ConfigureAwait(false);
            if (labels is not null)
            {
                int unmatched = labels.Rows.Keys.Count(id => !File.Exists(Path.Combine(Path.GetFullPath(folder), id.Value)));
                if (unmatched > 0) observer.Note($"note: {unmatched} row(s) of {labels.Path} name no file in {folder}");
            }
        }
        cancellationToken.ThrowIfCancellationRequested();
        // Re-embedded and removed items leave dead rows in the vector file; past a share of it they are dropped now.
        StoreCompaction.CompactIfDue(store, observer.Note);
        var spec = job.Index ?? IndexSpec.Auto;
        string label = "building " + VectorIndexLoader.Resolve(spec, store.GetInfo());
        string? index = VectorIndexLoader.Prebuild(store, spec, observer.Note, observer.IndexBuild(label));
        return new IndexOutcome(summary, index);
    }
}
