using Lookalike.Cli.Output;
using Lookalike.Cluster;
using Lookalike.Cluster.Backend;
using Lookalike.Cluster.Client;
using Lookalike.Core.Recommendations;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Query;

namespace Lookalike.Cli.Commands;

/// <summary>The CLI's way to open a store: its flags as <see cref="LookalikeStoreOptions"/>, index messages on stderr.</summary>
internal static class CliStore
{
    /// <summary>
    /// Opens the store <c>--store</c> names (it must exist), or with <paramref name="cluster"/> (<c>--cluster</c>) a
    /// client of that cluster holding the session until the store is disposed; the query service loads on first use.
    /// </summary>
    public static LookalikeStore Open(string? storeOption, string? model = null, string? indexSpec = null, string? rerankSpec = null,
        RecommenderOptions? recommender = null, string? cluster = null)
    {
        var rerank = rerankSpec is null ? null : KReciprocalSpec.Parse(rerankSpec);
        var spec = indexSpec is null ? IndexSpec.Auto : IndexSpec.Parse(indexSpec);
        IStoreBackend? backend = null;
        if (cluster is not null)
        {
            var address = ClusterConnection.Parse(cluster);
            var session = ClusterSession.OpenAsync(address).GetAwaiter().GetResult();
            backend = new ClusterStoreBackend(session, storeOption ?? ClusterStoreBackend.DefaultLocation(address), ownsSession: true);
        }
        return LookalikeStore.Open(new LookalikeStoreOptions
        {
            Backend = backend,
            Store = storeOption,
            Model = model,
            Recommender = recommender,
            Query = new QueryOptions
            {
                Index = spec,
                Rerank = rerank,
                Log = message => Console.Error.WriteLine(message),
                Progress = new BuildProgress("building index"),
            },
        });
    }
}
