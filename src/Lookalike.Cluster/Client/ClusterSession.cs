using Lookalike.Cluster.Contracts;

namespace Lookalike.Cluster.Client;

/// <summary>
/// What a <c>--cluster</c> command works with (the cluster's counterpart of a local store): the connection, the
/// recorded shape, reads that fall back across replicas, scatter-gather search and replicated writes.
/// </summary>
public sealed class ClusterSession : IAsyncDisposable
{
    private ClusterSession(LookalikeClusterClient client, ClusterShape shape)
    {
        Client = client;
        Router = new ReplicaRouter(client, shape);
        Search = new ClusterSearch(Router);
        Writer = new ClusterWriter(Router);
    }

    public LookalikeClusterClient Client { get; }

    /// <summary>The shape as last read by <see cref="Router"/> (its placement changes when replicas move).</summary>
    public ClusterShape Shape => Router.Shape;

    public ReplicaRouter Router { get; }

    public ClusterSearch Search { get; }

    public ClusterWriter Writer { get; }

    /// <exception cref="Core.Errors.LookalikeException">StoreUnavailable (no cluster answers), NotFound (not initialised).</exception>
    public static async Task<ClusterSession> OpenAsync(ClusterConnection connection, CancellationToken cancellationToken = default)
    {
        var client = await LookalikeClusterClient.ConnectAsync(connection, cancellationToken);
        try
        {
            return new ClusterSession(client, await client.ShapeAsync());
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Search.Dispose();
        await Client.DisposeAsync();
    }
}
