using System.CommandLine;
using System.Net;
using Lookalike.Cluster;
using Lookalike.Core.Errors;
using Microsoft.Extensions.Hosting;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike silo --cluster redis://HOST:PORT --data DIR</c>: runs one silo of a cluster until stopped (Ctrl+C, SIGTERM).</summary>
internal static class SiloCommand
{
    public static Command Create()
    {
        var cluster = ClusterOptions.Cluster(required: true);
        var data = new Option<string>("--data") { Description = "Folder for this silo's shard replicas (one Lookalike store each).", Required = true };
        var name = new Option<string?>("--name") { Description = "Silo name, unique in the cluster; replicas are recorded by it, so a restarted silo keeps its data (default: the host name)." };
        var address = new Option<string>("--address") { Description = "IP address other silos and clients reach this one at (default 127.0.0.1).", DefaultValueFactory = _ => "127.0.0.1" };
        var siloPort = new Option<int>("--silo-port") { Description = "Port for silo-to-silo traffic (default 11111).", DefaultValueFactory = _ => 11111 };
        var gatewayPort = new Option<int>("--gateway-port") { Description = "Port clients connect to (default 30000).", DefaultValueFactory = _ => 30000 };
        var rebuildAfter = new Option<double>("--rebuild-after")
        {
            Description = "Seconds a silo may be gone before the replicas it held are rebuilt on the other silos by copying (default 300).",
            DefaultValueFactory = _ => LookalikeSilo.DefaultRebuildAfter.TotalSeconds,
        };
        var command = new Command("silo", "Run one silo of a Lookalike cluster (Orleans, membership in Redis), holding shard replicas under --data.")
        {
            cluster, data, name, address, siloPort, gatewayPort, rebuildAfter,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(async () =>
        {
            if (!IPAddress.TryParse(parse.GetValue(address), out var ip))
                throw LookalikeException.InvalidArgument("address", $"--address must be an IP address; got '{parse.GetValue(address)}'.");
            foreach (var (option, port) in new[] { ("silo-port", parse.GetValue(siloPort)), ("gateway-port", parse.GetValue(gatewayPort)) })
                if (port is < 1 or > 65535) throw LookalikeException.InvalidArgument(option, $"--{option} must be 1–65535; got {port}.");
            double grace = parse.GetValue(rebuildAfter);
            if (!double.IsFinite(grace) || grace < 0 || grace > TimeSpan.FromDays(30).TotalSeconds)
                throw LookalikeException.InvalidArgument("rebuild-after", $"--rebuild-after must be 0–2592000 seconds; got {grace}.");
            string siloName = parse.GetValue(name) ?? Dns.GetHostName();
            var settings = new SiloSettings(ClusterConnection.Parse(parse.GetValue(cluster)), parse.GetValue(data)!, siloName, ip,
                parse.GetValue(siloPort), parse.GetValue(gatewayPort), TimeSpan.FromSeconds(grace));
            using var host = LookalikeSilo.Build(settings);
            await host.StartAsync(cancellationToken);
            await Console.Error.WriteLineAsync(
                $"silo {siloName} ready: silo {ip}:{settings.SiloPort}, gateway {ip}:{settings.GatewayPort}, cluster {settings.Cluster}, data {Path.GetFullPath(settings.DataDirectory)}");
            try { await Task.Delay(Timeout.Infinite, cancellationToken); }
            catch (OperationCanceledException) { }
            await Console.Error.WriteLineAsync($"silo {siloName} leaving the cluster");
            await host.StopAsync(CancellationToken.None);
            return CommandRunner.Ok;
        }));
        return command;
    }
}
