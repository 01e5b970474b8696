using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Cluster;
using Lookalike.Cluster.Client;
using Lookalike.Hosting;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike cluster init|status</c>: record a cluster's shape once; show its silos and shards.</summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var command = new Command("cluster", "Set up and inspect a Lookalike cluster (start its silos with `lookalike silo`).");
        command.Subcommands.Add(Init());
        command.Subcommands.Add(Status());
        command.Subcommands.Add(ClusterBenchCommand.Create());
        return command;
    }

    private static Command Init()
    {
        var cluster = ClusterOptions.Cluster(required: true);
        var shards = new Option<int>("--shards") { Description = "Number of shards items are hashed to (1–4096).", Required = true };
        var replicas = new Option<int>("--replicas") { Description = "Replicas per shard, on distinct silos (default 2).", DefaultValueFactory = _ => 2 };
        var model = new Option<string>("--model")
        {
            Description = $"The model every vector in the cluster is made with: a built-in model (default {LookalikeComponents.DefaultModel}) or the --model-name of imported vectors.",
            DefaultValueFactory = _ => LookalikeComponents.DefaultModel,
        };
        var index = new Option<string>("--index")
        {
            Description = "Index every replica serves from: auto (exact below 50,000 items per shard, HNSW above), exact, or hnsw(m=16,efc=128,ef=64,dtype=f32).",
            DefaultValueFactory = _ => "auto",
        };
        var json = CommonOptions.Json();
        var command = new Command("init", "Record the cluster's shape once: shards, replicas (placed on distinct active silos), model, index.") { cluster, shards, replicas, model, index, json };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            await using var client = await LookalikeClusterClient.ConnectAsync(ClusterConnection.Parse(parse.GetValue(cluster)), cancellationToken);
            var shape = await client.InitAsync(parse.GetValue(shards), parse.GetValue(replicas), parse.GetValue(model)!, parse.GetValue(index)!);
            if (parse.GetValue(json)) JsonOutput.WriteLine(shape);
            else
            {
                Console.WriteLine($"cluster {client.Connection}: {shape.Shards} shards × {shape.Replicas} replicas, model {shape.Model}, index {shape.IndexOrExact}");
                for (int s = 0; s < shape.Shards; s++) Console.WriteLine($"  shard {s}: {string.Join(", ", shape.Placement[s])}");
            }
            return CommandRunner.Ok;
        }));
        return command;
    }

    private static Command Status()
    {
        var cluster = ClusterOptions.Cluster(required: true);
        var json = CommonOptions.Json();
        var command = new Command("status", "Show the cluster's silos (membership) and each shard's replicas and items.") { cluster, json };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            await using var client = await LookalikeClusterClient.ConnectAsync(ClusterConnection.Parse(parse.GetValue(cluster)), cancellationToken);
            var status = await ClusterStatus.ReadAsync(client);
            if (parse.GetValue(json))
            {
                JsonOutput.WriteLine(status);
                return CommandRunner.Ok;
            }
            Console.WriteLine($"cluster {client.Connection}: {status.Items:N0} items, model {status.Model}, {status.Shards.Count} shards × {status.Replicas} replicas, index {status.Index}");
            foreach (var silo in status.Silos) Console.WriteLine($"  silo {silo.Name,-16} {silo.Address,-22} {silo.Status}");
            foreach (var shard in status.Shards)
                Console.WriteLine($"  shard {shard.Id,4}: {shard.Items,10:N0} items  {string.Join("  ", shard.Replicas.Select(r => $"{r.Silo}:{r.Status}{(r.Items is { } n ? $"({n:N0})" : "")}"))}");
            return CommandRunner.Ok;
        }));
        return command;
    }
}
