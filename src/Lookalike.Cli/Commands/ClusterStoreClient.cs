using Lookalike.Cluster;
using Lookalike.Cluster.Backend;
using Lookalike.Cluster.Client;
using Lookalike.Hosting;

namespace Lookalike.Cli.Commands;

/// <summary>
/// A verb's store when it runs with <c>--cluster</c>: the cluster session and a <see cref="LookalikeStore"/> over it
/// (<see cref="ClusterStoreBackend"/>), so the verb runs the same application-layer code as against a local store.
/// </summary>
internal sealed class ClusterStoreClient : IAsyncDisposable
{
    private ClusterStoreClient(ClusterSession session, LookalikeStore store)
    {
        Session = session;
        Store = store;
    }

    public ClusterSession Session { get; }

    public LookalikeStore Store { get; }

    /// <param name="connection">The <c>--cluster</c> value.</param>
    /// <param name="location">A folder on this machine for this client's own files; null: <see cref="ClusterStoreBackend.DefaultLocation"/>.</param>
    /// <param name="options">The store options for the backend (model, index log, recommender…).</param>
    public static async Task<ClusterStoreClient> OpenAsync(string connection, string? location, Func<IStoreBackend, LookalikeStoreOptions>? options,
        CancellationToken cancellationToken)
    {
        var address = ClusterConnection.Parse(connection);
        var session = await ClusterSession.OpenAsync(address, cancellationToken);
        try
        {
            var backend = new ClusterStoreBackend(session, location ?? ClusterStoreBackend.DefaultLocation(address));
            return new ClusterStoreClient(session, LookalikeStore.Open(options?.Invoke(backend) ?? new LookalikeStoreOptions { Backend = backend }));
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Store.Dispose();
        await Session.DisposeAsync();
    }
}
