using System.Diagnostics;
using System.Text;

namespace Lookalike.Cluster.Tests;

/// <summary>
/// A real child process (a silo, redis-server, a CLI verb) whose output is collected, and which can wait — on the
/// output event, not by polling — for a line that says it is ready.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _stdout = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    private ChildProcess(Process process) => Process = process;

    public Process Process { get; }

    /// <summary>Everything printed, both streams interleaved.</summary>
    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Standard output alone (e.g. a verb's JSON).</summary>
    public string Stdout { get { lock (_output) return _stdout.ToString(); } }

    /// <summary>Runs <c>dotnet lookalike.dll ARGS</c> (the CLI built beside the tests).</summary>
    public static ChildProcess Lookalike(params string[] args) =>
        Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "lookalike.dll"), .. args]);

    public static ChildProcess Start(string program, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("LOOKALIKE_STORE");
        var child = new ChildProcess(new Process { StartInfo = start });
        child.Process.OutputDataReceived += (_, e) => child.Line(e.Data, stdout: true);
        child.Process.ErrorDataReceived += (_, e) => child.Line(e.Data, stdout: false);
        child.Process.Start();
        child.Process.BeginOutputReadLine();
        child.Process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for an output line matching <paramref name="match"/> (seen before or after the call); fails on exit or timeout.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            foreach (string line in _output.ToString().Split('\n'))
                if (match(line.TrimEnd('\r'))) return line;
            _waiters.Add((match, seen));
        }
        var exited = Process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
        if (first == seen.Task) return await seen.Task;
        string why = first == exited ? $"exited with {Process.ExitCode}" : $"did not print it within {timeout.TotalSeconds:0} s";
        throw new InvalidOperationException($"{Process.StartInfo.FileName} {string.Join(' ', Process.StartInfo.ArgumentList)} {why}:\n{Output}");
    }

    /// <summary>Waits for exit (at most <paramref name="timeout"/>) and returns the exit code.</summary>
    public async Task<int> ExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try { await Process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{string.Join(' ', Process.StartInfo.ArgumentList)} did not finish in {timeout}:\n{Output}");
        }
        Process.WaitForExit(); // drains the output events
        return Process.ExitCode;
    }

    /// <summary>SIGKILL: no shutdown, no goodbye to the cluster — what a crashed machine does.</summary>
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

    private void Line(string? line, bool stdout)
    {
        if (line is null) return;
        lock (_output)
        {
            _output.AppendLine(line);
            if (stdout) _stdout.AppendLine(line);
            for (int i = _waiters.Count - 1; i >= 0; i--)
            {
                if (!_waiters[i].Match(line)) continue;
                _waiters[i].Seen.TrySetResult(line);
                _waiters.RemoveAt(i);
            }
        }
    }
}
