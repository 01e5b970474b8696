using Spectre.Console;

namespace Lookalike.Cli.Output;

/// <summary>Spectre consoles: results on stdout, progress and messages on stderr.</summary>
internal static class Terminal
{
    public static IAnsiConsole Out { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    public static IAnsiConsole Error { get; } = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
}
