using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Query;

namespace Lookalike.Cluster.Tests;

/// <summary>The single-machine answer a cluster's answers are compared with: a local store's exact index.</summary>
public static class ExactOracle
{
    /// <summary>A store of imported vectors under <paramref name="directory"/>.</summary>
    public static ICatalogStore Store(string directory, string npy, string ids)
    {
        var store = LookalikeComponents.OpenStore(directory, create: true);
        VectorImporter.Import(store, npy, ids, "imported");
        return store;
    }

    /// <summary>Exact search over <paramref name="store"/> as it is now (open another after importing more).</summary>
    public static QueryService Query(ICatalogStore store) =>
        QueryService.Open(store, LookalikeComponents.CreateDecoder(), () => throw new InvalidOperationException("no photos here"),
            new QueryOptions { Index = IndexSpec.Exact });
}
