using System.CommandLine;

namespace Lookalike.Cli.Commands;

/// <summary><c>lookalike bench &lt;what&gt;</c>: end-to-end benchmarks printing one JSON line per configuration.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks: one JSON line per configuration on stdout (see docs/benchmarks.md).");
        foreach (var subcommand in Subcommands()) command.Subcommands.Add(subcommand);
        return command;
    }

    // Each benchmark lives in its own Bench*Command.cs file.
    private static IEnumerable<Command> Subcommands()
    {
        yield return BenchEmbedCommand.Create();
        yield return BenchSearchCommand.Create();
    }
}
