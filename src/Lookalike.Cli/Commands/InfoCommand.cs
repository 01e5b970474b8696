using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Core.Search;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Search;
using Lookalike.Hosting;
using Lookalike.Hosting.Learning;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike info</c>: what a store holds.</summary>
internal static class InfoCommand
{
    private static readonly string[] IndexChoices = ["exact", "hnsw(dtype=f32)", "hnsw(dtype=f16)", "hnsw(dtype=i8)"];

    public static Command Create()
    {
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var cluster = ClusterOptions.Cluster();
        var command = new Command("info", "Show item count, model, dimension and size of a store (or of a cluster, summed over its shards).") { store, json, cluster };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            await using var client = parse.GetValue(cluster) is { } connection
                ? await ClusterStoreClient.OpenAsync(connection, null, null, cancellationToken)
                : null;
            using var local = client is null ? CliStore.Open(parse.GetValue(store)) : null;
            var catalog = (client?.Store ?? local!).Catalog;
            var info = catalog.GetInfo();
            var columns = catalog.GetMetadataColumns();
            var cache = client is null ? IndexCacheInfo.Read(catalog.Location) : null;
            var projection = catalog.GetProjection();
            var vectors = StoreCompaction.Usage(catalog);
            // Memory per item of each index choice (vectors + graph), so the trade-off is visible before building one.
            var perItem = IndexChoices.Select(IndexSpec.Parse)
                .ToDictionary(spec => spec.ToString(), spec => spec.EstimatedBytesPerItem(Math.Max(info.Dimension, 1)));
            var view = new
            {
                items = info.Items,
                model = info.Model?.Value,
                precision = LookalikeComponents.PrecisionOf(info.Model)?.ToString().ToLowerInvariant(),
                new_store_precision = LookalikeComponents.DefaultPrecision.ToString().ToLowerInvariant(),
                cpu_int8_instructions = LookalikeComponents.CpuInt8Instructions,
                dimension = info.Dimension,
                store_bytes = info.StoreBytes,
                vector_file = CompactCommand.View(vectors),
                vector_bytes_per_item = info.Dimension * sizeof(float),
                schema_version = info.SchemaVersion,
                generation = info.Generation,
                location = info.Location,
                root = info.Root,
                metadata_columns = columns,
                default_index = VectorIndexLoader.Resolve(IndexSpec.Auto, info).ToString(),
                index_bytes_per_item = perItem,
                index_cache = cache,
                projection = projection is null ? null : ProjectionJsonView.Of(projection),
                query_views = catalog.QueryViews.ToString(),
                cluster = client is null ? null : new { shards = client.Session.Shape.Shards, replicas = client.Session.Shape.Replicas, index = client.Session.Shape.IndexOrExact },
            };
            if (parse.GetValue(json))
            {
                JsonOutput.WriteLine(view);
                return CommandRunner.Ok;
            }
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow(client is null ? "store" : "cluster", Markup.Escape(info.Location));
            grid.AddRow("items", info.Items.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            grid.AddRow("model", Markup.Escape(info.Model?.Value ?? "(none yet)"));
            grid.AddRow("precision", Markup.Escape($"{view.precision ?? "-"} (new stores on this machine: {LookalikeComponents.DefaultPrecisionReason})"));
            grid.AddRow("dimension", $"{info.Dimension} (float32, {view.vector_bytes_per_item} bytes per vector)");
            grid.AddRow("store size", $"{info.StoreBytes / 1024.0 / 1024.0:0.0} MiB");
            if (vectors is not null)
                grid.AddRow("vector file", Markup.Escape($"{vectors.File}: {vectors.Rows:N0} rows, {vectors.LiveRows:N0} live, {vectors.DeadRows:N0} dead ({vectors.DeadShare:P0}), {vectors.FileBytes / 1048576.0:0.0} MiB{(vectors.DeadRows > 0 ? "; 'lookalike compact' gives the dead rows back" : "")}"));
            grid.AddRow("indexed folder", Markup.Escape(info.Root ?? "-"));
            grid.AddRow("metadata", Markup.Escape(columns.Count == 0 ? "-" : string.Join(", ", columns)));
            grid.AddRow("schema", $"v{info.SchemaVersion}, generation {info.Generation}");
            if (client is not null) grid.AddRow("shards", $"{view.cluster!.shards} × {view.cluster.replicas} replicas, index {Markup.Escape(view.cluster.index)}");
            grid.AddRow("index", Markup.Escape($"{view.default_index} by default; bytes per item: {string.Join(", ", perItem.Select(kv => $"{kv.Key} {kv.Value:N0}"))}"));
            grid.AddRow("learned space", Markup.Escape(projection is null ? "- (raw vectors; see 'lookalike learn')" :
                $"{projection.Descriptor.Summary}, {projection.Descriptor.InputDimension}→{projection.Descriptor.OutputDimension}-d, version {projection.Version}, fitted at generation {projection.Descriptor.FittedGeneration}"));
            grid.AddRow("query views", Markup.Escape($"{view.query_views} (how photo queries are embedded; see 'lookalike config')"));
            grid.AddRow("index cache", Markup.Escape(cache is null ? "-" : $"{cache.Spec}, {cache.Count:N0} items, {cache.FileBytes / Math.Max(1, cache.Count):N0} bytes per item on disk, generation {cache.StoreGeneration}{(cache.StoreGeneration == info.Generation ? "" : " (stale: refreshed on next load)")}{(cache.Calibration is { } c ? $"; ef {c.Ef} chosen for recall@10 ≥ {c.Target:0.00}, measured {c.Recall:0.000} on {c.Queries} items against exact" : "")}"));
            Terminal.Out.Write(grid);
            return CommandRunner.Ok;
        }));
        return command;
    }
}
