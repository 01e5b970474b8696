using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Lookalike.TestKit;

namespace Lookalike.Cli.Tests;

/// <summary><c>lookalike watch</c> as a user runs it: a child process over a real folder, changed while it runs.</summary>
public class WatchCliTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Watch_PhotosAddedChangedAndDeleted_StoreFollowsWithinARun()
    {
        using var temp = new TempDirectory();
        var samples = RepositoryPaths.SampleImages();
        string photos = temp.Combine("photos");
        Directory.CreateDirectory(photos);
        File.Copy(samples[0], Path.Combine(photos, "a.jpg"));
        File.Copy(samples[1], Path.Combine(photos, "b.jpg"));

        using var watch = WatchProcess.Start(temp.Path, "watch", "photos", "--store", "store", "--quiet", "0.3", "--rescan", "600");
        await watch.WaitForLineAsync(l => l.Contains("start: indexed 2 new"), Patience);

        File.Copy(samples[2], Path.Combine(photos, "c.jpg"));
        File.Copy(samples[3], Path.Combine(photos, "d.jpg"));
        Directory.CreateDirectory(Path.Combine(photos, "more"));
        File.Copy(samples[4], Path.Combine(photos, "more", "e.jpg"));
        await watch.WaitForLineAsync(l => l.Contains("changes: indexed 3 new"), Patience);

        File.Delete(Path.Combine(photos, "a.jpg"));
        File.Copy(samples[5], Path.Combine(photos, "b.jpg"), overwrite: true); // the same item, a new photo
        await watch.WaitForLineAsync(l => l.Contains("changes: indexed 0 new, 1 changed") && l.Contains("removed 1"), Patience);

        File.WriteAllText(Path.Combine(photos, "broken.jpg"), "not a photo");
        await watch.WaitForLineAsync(l => l.Contains("changes:") && l.Contains("failed 1"), Patience);
        await watch.WaitForLineAsync(l => l.Contains("broken.jpg"), Patience); // the failure is named, the watch goes on

        watch.Stop();
        var info = CliRunner.Run(temp.Path, "info", "--store", "store", "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        Assert.Equal(4, JsonDocument.Parse(info.Stdout).RootElement.GetProperty("items").GetInt32()); // b, c, d, more/e
        var similar = CliRunner.Run(temp.Path, "similar", "more/e.jpg", "-k", "3", "--store", "store", "--json");
        Assert.True(similar.ExitCode == 0, similar.Stderr);
        var ids = JsonDocument.Parse(similar.Stdout).RootElement.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        Assert.Equal(["b.jpg", "c.jpg", "d.jpg"], ids.Order(StringComparer.Ordinal));
    }

    /// <summary>The built <c>lookalike</c> running in the background, its stderr read line by line.</summary>
    private sealed class WatchProcess : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = [];
        private readonly List<string> _seen = [];

        private WatchProcess(Process process) => _process = process;

        public static WatchProcess Start(string workingDirectory, params string[] args)
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
            var watch = new WatchProcess(new Process { StartInfo = start });
            watch._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) watch._lines.Add(e.Data); };
            watch._process.OutputDataReceived += (_, _) => { };
            watch._process.Start();
            watch._process.BeginErrorReadLine();
            watch._process.BeginOutputReadLine();
            return watch;
        }

        /// <summary>Waits for a stderr line matching <paramref name="match"/>, failing with everything seen when it does not come.</summary>
        public Task WaitForLineAsync(Func<string, bool> match, TimeSpan patience) => Task.Run(() =>
        {
            using var timeout = new CancellationTokenSource(patience);
            try
            {
                while (true)
                {
                    string line = _lines.Take(timeout.Token);
                    _seen.Add(line);
                    if (match(line)) return;
                }
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no such line from lookalike watch within {patience.TotalSeconds} s; it wrote:\n{string.Join('\n', _seen)}");
            }
        });

        public void Stop()
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        public void Dispose()
        {
            Stop();
            _process.Dispose();
            _lines.Dispose();
        }
    }
}
