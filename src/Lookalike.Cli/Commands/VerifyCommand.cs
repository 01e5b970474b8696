using System.CommandLine;
using Lookalike.Cli.Output;
using Lookalike.Core.Catalog;
using Lookalike.Hosting;
using Lookalike.Hosting.Reliability;

namespace Lookalike.Cli.Commands;

/// <summary>
/// <c>lookalike verify</c>: checks a store (SQLite integrity, model binding, vector dimensions and norms, index-cache
/// stamp) without changing it, and says what is wrong and how to repair it. Exit 0 when healthy, 2 when not.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var store = CommonOptions.Store();
        var json = CommonOptions.Json();
        var cluster = ClusterOptions.Cluster();
        var noRepair = new Option<bool>("--no-repair") { Description = "With --cluster: only report damaged replicas; do not re-copy them from a healthy replica." };
        var command = new Command("verify", "Check a store's integrity (SQLite, vectors, model, index cache); exit 0 when healthy, 2 when not. With --cluster: every replica, re-copying damaged ones from a healthy replica.")
        {
            store, json, cluster, noRepair,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(() =>
        {
            if (parse.GetValue(cluster) is { } connection)
                return ClusterVerify.RunAsync(connection, repair: !parse.GetValue(noRepair), parse.GetValue(json), cancellationToken);
            var report = StoreVerifier.Verify(StoreLocation.Resolve(parse.GetValue(store)));
            if (parse.GetValue(json))
            {
                JsonOutput.WriteLine(new
                {
                    healthy = report.Healthy,
                    location = report.Location,
                    items = report.Items,
                    generation = report.Generation,
                    model = report.Model,
                    dimension = report.Dimension,
                    findings = report.Findings.Select(f => new
                    {
                        severity = f.Severity == VerifySeverity.Error ? "error" : "note",
                        check = f.Check,
                        problem = f.Problem,
                        repair = f.Repair,
                    }),
                });
            }
            else
            {
                Console.Out.WriteLine($"store {report.Location}: {report.Items:N0} items, model {report.Model ?? "(none)"}, dimension {report.Dimension}, generation {report.Generation}");
                foreach (var finding in report.Findings)
                {
                    Console.Out.WriteLine($"{(finding.Severity == VerifySeverity.Error ? "error" : "note")} [{finding.Check}] {finding.Problem}");
                    Console.Out.WriteLine($"    repair: {finding.Repair}");
                }
                Console.Out.WriteLine(report.Healthy ? "healthy" : $"UNHEALTHY: {report.Findings.Count(f => f.Severity == VerifySeverity.Error)} problem(s)");
            }
            return Task.FromResult(report.Healthy ? CommandRunner.Ok : CommandRunner.BadInput);
        }));
        return command;
    }
}
