using Lookalike.Core.Embedding;
using Lookalike.Core.Imaging;
using Lookalike.Core.Recommendations;
using Lookalike.Hosting.Query;

namespace Lookalike.Hosting;

/// <summary>What <see cref="LookalikeStore.Open"/> opens and how the services it hands out are built.</summary>
public sealed class LookalikeStoreOptions
{
    /// <summary>Store folder; null: <see cref="StoreLocation.Resolve"/> (<c>$LOOKALIKE_STORE</c>, else <c>./.lookalike</c>).</summary>
    public string? Store { get; init; }

    /// <summary>Where the data lives; null: a store folder on this machine (<see cref="IStoreBackend.Local"/>).</summary>
    public IStoreBackend? Backend { get; init; }

    /// <summary>Create the store when it does not exist (index, import); false (default): a missing store is NotFound.</summary>
    public bool Create { get; init; }

    /// <summary>
    /// Model for outside photos: a built-in model or a manifest path; null: the model the store's vectors were made with
    /// (<see cref="LookalikeComponents.ModelFor"/>). Loaded on the first photo query; a different model is refused then (ModelMismatch).
    /// </summary>
    public string? Model { get; init; }

    /// <summary>
    /// A model session the caller owns and shares (a server's one session); overrides <see cref="Model"/> and is never
    /// disposed by the store.
    /// </summary>
    public IImageEmbedder? SharedEmbedder { get; init; }

    /// <summary>Decoder for outside photos; null: <see cref="LookalikeComponents.CreateDecoder"/> with its defaults.</summary>
    public IImageDecoder? Decoder { get; init; }

    /// <summary>Index, re-ranking, log and progress of the query service.</summary>
    public QueryOptions Query { get; init; } = new();

    /// <summary>Recommender tunables; null: the defaults.</summary>
    public RecommenderOptions? Recommender { get; init; }

    /// <summary>Clock of the recommendation service (event times, recency); null: the system clock.</summary>
    public TimeProvider? Time { get; init; }
}
