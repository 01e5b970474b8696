using Lookalike.Cluster.Client;
using Lookalike.Core.Catalog;
using Lookalike.Core.Feedback;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Query;

namespace Lookalike.Cluster.Backend;

/// <summary>
/// A cluster as the place a <see cref="LookalikeStore"/>'s data lives: catalog, index and feedback on the shards.
/// Give it as <see cref="LookalikeStoreOptions.Backend"/> and every application-layer service — look-alikes, the
/// catalog view, live edits, recommendations — runs unchanged against the cluster. Several clients may share one
/// cluster (<see cref="SharedWithOtherWriters"/>).
/// </summary>
public sealed class ClusterStoreBackend : IStoreBackend
{
    private readonly ClusterSession _session;
    private readonly string _location;
    private readonly bool _ownsSession;

    /// <param name="session">The open cluster session.</param>
    /// <param name="location">A folder on this machine for what belongs to this client (uploads, thumbnails); created if missing.</param>
    /// <param name="ownsSession">True: the catalog this backend opens disposes the session with itself (a CLI verb's one
    /// store); false: the caller disposes it after the store.</param>
    public ClusterStoreBackend(ClusterSession session, string location, bool ownsSession = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _location = Path.GetFullPath(location);
        _ownsSession = ownsSession;
    }

    /// <summary>The default <c>location</c> for a cluster's client: a folder per cluster name under the user's temp folder.</summary>
    public static string DefaultLocation(ClusterConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Path.Combine(Path.GetTempPath(), "lookalike-cluster", connection.Name);
    }

    public bool SharedWithOtherWriters => true;

    public ICatalogStore OpenCatalog(LookalikeStoreOptions options)
    {
        Directory.CreateDirectory(_location);
        return new ClusterCatalogStore(_session, _location, _ownsSession);
    }

    public IVectorIndex? OpenIndex(ICatalogStore catalog, QueryOptions options) =>
        new ClusterVectorIndex(_session, catalog as ClusterCatalogStore
            ?? throw new ArgumentException("A cluster's index goes with the cluster's catalog.", nameof(catalog)));

    public IFeedbackStore OpenFeedback(ICatalogStore catalog) => new ClusterFeedbackStore(_session);
}
