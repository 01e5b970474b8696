using Spectre.Console;

namespace Lookalike.Cli.Output;

/// <summary>Spectre consoles: results on stdout, progress and messages on stderr.</summary>
internal static class Terminal
{
    public static IAnsiConsole Out { get; } = Create(Console.Out, Console.IsOutputRedirected);

    public static IAnsiConsole Error { get; } = Create(Console.Error, Console.IsErrorRedirected);

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer) });
        // Redirected output (files, pipes, CI logs) has no width; don't wrap ids and paths at 80 columns.
        if (redirected) console.Profile.Width = 200;
        return console;
    }
}
