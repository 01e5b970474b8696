using System.Diagnostics;
using Lookalike.TestKit;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// A small tmpfs mounted for one test, so a full or read-only disk is real even for root. Needs root (CAP_SYS_ADMIN);
/// without it <see cref="Create"/> skips the test (<see cref="Require"/>: a failure in CI). It can be made read-only
/// or resized, and is unmounted on dispose.
/// </summary>
internal sealed class TmpfsMount : IDisposable
{
    private TmpfsMount(string path) => Path = path;

    public string Path { get; }

    public static TmpfsMount Create(string path, string size = "16m")
    {
        Require.Root("mounting a tmpfs");
        Directory.CreateDirectory(path);
        var (code, message) = Mount("-t", "tmpfs", "-o", $"size={size}", "tmpfs", path);
        Require.That(code == 0, $"cannot mount a tmpfs at {path}: {message}");
        return new TmpfsMount(path);
    }

    public void MakeReadOnly() => Check(Mount("-o", "remount,ro", Path));

    public void Resize(string size) => Check(Mount("-o", $"remount,size={size}", Path));

    public void Dispose()
    {
        for (int attempt = 0; attempt < 20; attempt++)
        {
            if (Run("umount", Path).Code == 0) return;
            Thread.Sleep(100); // a child process may still be closing its files
        }
        Run("umount", "-l", Path);
    }

    private static void Check((int Code, string Message) result)
    {
        if (result.Code != 0) throw new InvalidOperationException($"mount failed: {result.Message}");
    }

    private static (int Code, string Message) Mount(params string[] args) => Run("mount", args);

    private static (int Code, string Message) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Trim());
    }
}
