using Lookalike.Cli.Output;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Query;
using Lookalike.Storage.Sqlite;

namespace Lookalike.Cli.Commands;

/// <summary>An open store and its query service for one CLI invocation.</summary>
internal sealed class QueryContext : IDisposable
{
    private QueryContext(SqliteCatalogStore store, QueryService service)
    {
        Store = store;
        Service = service;
    }

    public SqliteCatalogStore Store { get; }

    public QueryService Service { get; }

    public static QueryContext Open(string? storeOption, string? model, string? indexSpec = null, string? rerankSpec = null)
    {
        var rerank = rerankSpec is null ? null : KReciprocalSpec.Parse(rerankSpec);
        var spec = indexSpec is null ? IndexSpec.Auto : IndexSpec.Parse(indexSpec);
        var store = LookalikeComponents.OpenStore(StoreLocation.Resolve(storeOption), create: false);
        try
        {
            var options = new QueryOptions
            {
                Index = spec,
                Rerank = rerank,
                Log = message => Console.Error.WriteLine(message),
                Progress = new BuildProgress("building index"),
            };
            var service = QueryService.Open(store, LookalikeComponents.CreateDecoder(), () => LookalikeComponents.CreateEmbedderFor(store.Model, model), options);
            return new QueryContext(store, service);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Service.Dispose();
        Store.Dispose();
    }
}
