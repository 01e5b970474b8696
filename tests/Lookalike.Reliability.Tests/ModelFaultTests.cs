using Lookalike.TestKit;

namespace Lookalike.Reliability.Tests;

/// <summary>A missing or damaged model is a clear error at start (exit 2, the file named, no stack trace), before any work.</summary>
public sealed class ModelFaultTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Index_MissingModelManifest_FailsAtStartNamingIt()
    {
        _dir.CopySamples(2, "photos");
        string manifest = _dir.Combine("models", "missing", "manifest.json");
        var run = CliProcess.Run(_dir.Path, TimeSpan.FromMinutes(2), "index", "photos", "--store", "store", "--model", manifest);
        Assert.True(run.ExitCode == 2, run.Stderr);
        Assert.Contains("manifest.json", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_DamagedModelManifest_FailsAtStartNamingIt()
    {
        _dir.CopySamples(2, "photos");
        string folder = _dir.Combine("models", "damaged");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), "{ \"graphs\": [ { \"file\": \"model.onnx\" ");
        File.WriteAllBytes(Path.Combine(folder, "model.onnx"), new byte[1000]);
        var run = CliProcess.Run(_dir.Path, TimeSpan.FromMinutes(2), "index", "photos", "--store", "store", "--model", Path.Combine(folder, "manifest.json"));
        Assert.True(run.ExitCode == 2, run.Stderr);
        Assert.Contains("manifest.json", run.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
