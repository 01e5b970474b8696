using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Search;
using Lookalike.Hosting.Query;

namespace Lookalike.Hosting;

/// <summary>
/// Where a <see cref="LookalikeStore"/>'s data lives: a store folder on this machine (the default, <see cref="Local"/>)
/// or a cluster (<c>Lookalike.Cluster</c>'s backend). Everything above it — query service, catalog view, editor,
/// recommendations, the CLI verbs and the server — is the same code either way.
/// </summary>
public interface IStoreBackend
{
    /// <summary>The catalog the options name; owned by the caller.</summary>
    ICatalogStore OpenCatalog(LookalikeStoreOptions options);

    /// <summary>
    /// The index the query service answers from, or null: load the catalog's vectors into a local index
    /// (<see cref="QueryOptions.Index"/>). A backend whose index lives elsewhere returns it; owned by the caller.
    /// </summary>
    IVectorIndex? OpenIndex(ICatalogStore catalog, QueryOptions options);

    /// <summary>The feedback events beside the catalog; owned by the caller.</summary>
    IFeedbackStore OpenFeedback(ICatalogStore catalog);

    /// <summary>
    /// True when other processes write this catalog while it is open (a cluster several clients share): item lookups,
    /// listings and filter columns are read through each time rather than remembered.
    /// </summary>
    bool SharedWithOtherWriters { get; }

    /// <summary>A store folder on this machine (SQLite, the vector file, the cached graph).</summary>
    static IStoreBackend Local { get; } = new LocalStoreBackend();

    private sealed class LocalStoreBackend : IStoreBackend
    {
        public ICatalogStore OpenCatalog(LookalikeStoreOptions options) =>
            LookalikeComponents.OpenStore(StoreLocation.Resolve(options.Store), options.Create);

        public IVectorIndex? OpenIndex(ICatalogStore catalog, QueryOptions options) => null;

        public IFeedbackStore OpenFeedback(ICatalogStore catalog) => LookalikeComponents.OpenFeedback(catalog.Location);

        public bool SharedWithOtherWriters => false;
    }
}
