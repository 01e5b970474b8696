using Lookalike.Cli.Output;
using Lookalike.Core.Recommendations;
using Lookalike.Core.Retrieval;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Query;

namespace Lookalike.Cli.Commands;

/// <summary>The CLI's way to open a store: its flags as <see cref="LookalikeStoreOptions"/>, index messages on stderr.</summary>
internal static class CliStore
{
    /// <summary>Opens the store <c>--store</c> names (it must exist); the query service loads on first use.</summary>
    public static LookalikeStore Open(string? storeOption, string? model = null, string? indexSpec = null, string? rerankSpec = null,
        RecommenderOptions? recommender = null)
    {
        var rerank = rerankSpec is null ? null : KReciprocalSpec.Parse(rerankSpec);
        var spec = indexSpec is null ? IndexSpec.Auto : IndexSpec.Parse(indexSpec);
        return LookalikeStore.Open(new LookalikeStoreOptions
        {
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
