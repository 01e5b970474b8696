using System.Diagnostics;
using System.Text;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// Runs the real <c>lookalike</c> program (the built lookalike.dll) as a child process and hands back the
/// <see cref="Process"/>, so a test can kill it (SIGKILL on Unix) at a moment of its choosing.
/// </summary>
public sealed class CliProcess : IDisposable
{
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private CliProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>The stderr line that triggered the kill of <see cref="Start(string, Func{string, bool}?, string[])"/>, if one did.</summary>
    public string? KilledOnLine { get; private set; }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static CliProcess Start(string workingDirectory, params string[] args) => Start(workingDirectory, killOnStderr: null, args);

    /// <summary>
    /// Starts the program and SIGKILLs it the moment it writes a stderr line for which <paramref name="killOnStderr"/>
    /// is true (from the reader's event, not a poll), so a kill lands inside the phase that line announces.
    /// </summary>
    public static CliProcess Start(string workingDirectory, Func<string, bool>? killOnStderr, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "lookalike.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("LOOKALIKE_STORE");
        var process = new Process { StartInfo = start };
        var cli = new CliProcess(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (cli._stdout) cli._stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (cli._stderr) cli._stderr.AppendLine(e.Data);
            if (killOnStderr is not null && cli.KilledOnLine is null && killOnStderr(e.Data))
            {
                cli.KilledOnLine = e.Data;
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Runs to completion (at most <paramref name="timeout"/>) and returns the exit code.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        using var cli = Start(workingDirectory, args);
        if (!cli.Process.WaitForExit(timeout))
        {
            cli.Kill();
            throw new TimeoutException($"lookalike {string.Join(' ', args)} did not finish in {timeout}");
        }
        cli.Process.WaitForExit(); // drains the output events
        return (cli.Process.ExitCode, cli.Stdout, cli.Stderr);
    }

    /// <summary>SIGKILL: no handler runs, no finally block, no flush — what a power cut or the OOM killer does.</summary>
    public void Kill()
    {
        try { Process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        Process.WaitForExit();
    }

    public void Dispose()
    {
        if (!Process.HasExited) Kill();
        Process.Dispose();
    }
}
