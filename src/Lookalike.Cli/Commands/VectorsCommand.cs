using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Search;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike vectors import|synth</c>: bring your own embeddings, or make synthetic ones for benchmarks.</summary>
internal static class VectorsCommand
{
    public static Command Create()
    {
        var command = new Command("vectors", "Load embeddings computed elsewhere (the mirror of export), or generate synthetic ones.");
        command.Subcommands.Add(Import());
        command.Subcommands.Add(Synth());
        return command;
    }

    private static Command Import()
    {
        var npy = new Argument<string>("vectors") { Description = "N×D float32 .npy file (rows are L2-normalised on import)." };
        var ids = new Option<string>("--ids") { Description = "One item id a line, same order as the rows.", Required = true };
        var modelName = new Option<string?>("--model-name") { Description = "Name of the model that made the vectors (default: imported; with --cluster, the cluster's model)." };
        var store = CommonOptions.Store();
        var index = CommonOptions.Index();
        var cluster = ClusterOptions.Cluster();
        var command = new Command("import", "Import vectors.npy + ids into a store (or a cluster), so search, recommenders and the server work on them.")
        {
            npy, ids, modelName, store, index, cluster,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            if (parse.GetValue(cluster) is { } connection)
                return await ClusterImport.RunAsync(connection, parse.GetValue(npy)!, parse.GetValue(ids)!, parse.GetValue(modelName), cancellationToken);
            using var opened = LookalikeStore.Open(new LookalikeStoreOptions { Store = parse.GetValue(store), Create = true });
            var catalog = opened.Catalog;
            int rows = VectorImporter.Import(catalog, parse.GetValue(npy)!, parse.GetValue(ids)!, parse.GetValue(modelName) ?? "imported", new BuildProgress("importing"));
            await Console.Error.WriteLineAsync($"imported {rows:N0} vectors into {catalog.Location} as model {catalog.Model}");
            BuildIndex(catalog, parse.GetValue(index));
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static Command Synth()
    {
        var n = new Option<int>("--n") { Description = "Number of vectors.", DefaultValueFactory = _ => 1_000_000 };
        var dim = new Option<int>("--dim") { Description = "Dimension.", DefaultValueFactory = _ => 512 };
        var clusters = new Option<int>("--clusters") { Description = "Gaussian clusters (as shared/bench/vectors.py).", DefaultValueFactory = _ => 1000 };
        var seed = new Option<int>("--seed") { Description = "Random seed.", DefaultValueFactory = _ => 0 };
        var store = CommonOptions.Store();
        var index = CommonOptions.Index();
        var command = new Command("synth", "Fill a store with seeded clustered unit vectors (ids synthetic/NNNNNNN), for benchmarks.")
        {
            n, dim, clusters, seed, store, index,
        };
        command.SetAction((parse, _) => CommandRunner.RunAsync(async () =>
        {
            using var opened = LookalikeStore.Open(new LookalikeStoreOptions { Store = parse.GetValue(store), Create = true });
            var catalog = opened.Catalog;
            int rows = VectorImporter.Synthesize(catalog, parse.GetValue(n), parse.GetValue(dim), parse.GetValue(clusters), parse.GetValue(seed), new BuildProgress("generating"));
            await Console.Error.WriteLineAsync($"wrote {rows:N0} synthetic vectors into {catalog.Location}");
            BuildIndex(catalog, parse.GetValue(index));
            return CommandRunner.Ok;
        }));
        return command;
    }

    /// <summary>Compacts the vector file when due, then builds (and caches) the vector index now, with a progress bar, so the first query does not wait for it.</summary>
    private static void BuildIndex(ICatalogStore catalog, string? indexSpec)
    {
        // Vectors imported again for the same ids leave dead rows; past a share of the file they are dropped first.
        StoreCompaction.CompactIfDue(catalog, message => Console.Error.WriteLine(message));
        var spec = indexSpec is null ? IndexSpec.Auto : IndexSpec.Parse(indexSpec);
        string label = "building " + VectorIndexLoader.Resolve(spec, catalog.GetInfo());
        if (VectorIndexLoader.Prebuild(catalog, spec, message => Console.Error.WriteLine(message), new BuildProgress(label)) is { } line)
            Console.Error.WriteLine(line);
    }
}
