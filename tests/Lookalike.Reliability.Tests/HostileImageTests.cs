using System.Diagnostics;
using System.Text.Json;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting;
using Lookalike.TestKit;
using Lookalike.TestKit.Imaging;
using Xunit.Abstractions;

namespace Lookalike.Reliability.Tests;

/// <summary>
/// The hostile corpus through the decoder and through the real <c>lookalike index</c>: no crash, no hang, bounded
/// memory, and every file either indexed or failed with a typed error naming it. Plus seeded mutation fuzzing of
/// the decoder on real photos within a fixed time budget.
/// </summary>
public sealed class HostileImageTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>No single file may take longer than this to decode or fail (the decoder's byte and pixel limits bound the work).</summary>
    private static readonly TimeSpan PerFileLimit = TimeSpan.FromSeconds(5);

    private static readonly LookalikeErrorKind[] DecodeKinds =
        [LookalikeErrorKind.UnsupportedImage, LookalikeErrorKind.CorruptImage, LookalikeErrorKind.ImageTooLarge];

    private readonly TempDirectory _dir = new();

    [Fact]
    public void Decode_HostileCorpus_DecodesOrFailsTypedNamingTheFile()
    {
        var corpus = HostileCorpus.Build();
        Assert.True(corpus.Files.Count >= 300, $"corpus has only {corpus.Files.Count} files");
        // The test process's high-water mark from here on (other tests running beside it count too: an upper bound).
        Assert.True(PeakMemory.Reset(Environment.ProcessId), "cannot reset VmHWM through /proc/self/clear_refs");
        var decoder = LookalikeComponents.CreateDecoder();
        var target = new ImageTarget(224, 224, ResizeMode.CenterCrop);
        int decoded = 0, failed = 0;
        var slowest = TimeSpan.Zero;
        string slowestName = "";
        foreach (var (name, data) in corpus.Files)
        {
            var clock = Stopwatch.StartNew();
            try
            {
                var image = decoder.Decode(data, name, target);
                Assert.True(image.Width > 0 && image.Height > 0, name);
                decoded++;
            }
            catch (LookalikeException e)
            {
                Assert.True(DecodeKinds.Contains(e.Kind), $"{name}: {e.Kind}: {e.Message}");
                Assert.Equal(name, e.Subject);
                Assert.Contains(name, e.Message, StringComparison.Ordinal);
                Assert.False(corpus.ValidImages.Contains(name), $"{name} is a valid image but failed: {e.Message}");
                failed++;
            }
            // Thumbnails go through the same decoder from the server's upload path.
            try { decoder.EncodeThumbnail(data, name, 128); }
            catch (LookalikeException e) { Assert.True(DecodeKinds.Contains(e.Kind), $"thumbnail {name}: {e.Kind}"); }
            if (clock.Elapsed > slowest) (slowest, slowestName) = (clock.Elapsed, name);
        }
        output.WriteLine($"{corpus.Files.Count} hostile files: {decoded} decoded, {failed} typed failures, 0 crashes; slowest {slowestName} {slowest.TotalMilliseconds:0} ms");
        Assert.True(slowest < PerFileLimit, $"{slowestName} took {slowest}");
        long peak = PeakMemory.Read(Environment.ProcessId) ?? throw new InvalidOperationException("cannot read VmHWM of the test process");
        output.WriteLine($"peak RSS while decoding: {peak / 1048576} MiB");
        Assert.True(peak < 2L * 1024 * 1024 * 1024, $"peak RSS {peak:N0} bytes");
    }

    [Fact]
    public void Index_HostileCorpus_EveryFileIndexedOrFailedTyped()
    {
        var corpus = HostileCorpus.Build();
        string folder = _dir.Combine("hostile");
        Directory.CreateDirectory(folder);
        var files = corpus.Files.Where((_, i) => SoakSettings.HostileIndexAll || i % 3 == 0).ToList();
        foreach (var (name, data) in files) File.WriteAllBytes(Path.Combine(folder, name), data);
        var good = _dir.CopySamples(5, "hostile/good");

        using var run = CliProcess.Start(_dir.Path, "index", "hostile", "--store", "store", "--json");
        // The child's own high-water mark, read until it exits (only its last ≤ 50 ms can escape the reading).
        long peakKb = 0;
        int readings = 0;
        var clock = Stopwatch.StartNew();
        while (!run.Process.WaitForExit(50))
        {
            if (PeakMemory.Read(run.Process.Id) is { } peak) (peakKb, readings) = (Math.Max(peakKb, peak / 1024), readings + 1);
            Assert.True(clock.Elapsed < TimeSpan.FromMinutes(4), "index of the hostile corpus hung");
        }
        run.Process.WaitForExit();
        Assert.True(run.Process.ExitCode == 0, run.Stderr);
        using var summary = JsonDocument.Parse(run.Stdout);
        var root = summary.RootElement;
        int added = root.GetProperty("added").GetInt32();
        var failures = root.GetProperty("failures").EnumerateArray()
            .Select(f => (Path: f.GetProperty("path").GetString()!, Kind: f.GetProperty("kind").GetString()!, Message: f.GetProperty("message").GetString()!))
            .ToList();
        output.WriteLine($"index of {files.Count + good.Count} files: {added} indexed, {failures.Count} typed failures in {clock.Elapsed.TotalSeconds:0.0} s, peak RSS {peakKb / 1024} MiB");
        Assert.Equal(files.Count + good.Count, added + failures.Count);
        foreach (var (path, kind, message) in failures)
        {
            Assert.True(DecodeKinds.Select(k => k.ToString()).Contains(kind), $"{path}: {kind}: {message}");
            Assert.Contains(Path.GetFileName(path), message, StringComparison.Ordinal);
            Assert.False(corpus.ValidImages.Contains(Path.GetFileName(path)), $"{path}: {message}");
        }
        Assert.DoesNotContain(failures, f => f.Path.Contains("/good/", StringComparison.Ordinal));
        Assert.True(readings > 0, "the index process's peak RSS (VmHWM) was never read");
        Assert.True(peakKb < 2L * 1024 * 1024, $"peak RSS {peakKb} KiB");
        var verify = CliProcess.Run(_dir.Path, TimeSpan.FromMinutes(2), "verify", "--store", "store");
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    [Fact]
    public void Decode_RandomMutationsOfRealPhotos_NeverCrashesWithinBudget()
    {
        var rng = new Random(20261128);
        var decoder = LookalikeComponents.CreateDecoder();
        var target = new ImageTarget(224, 224, ResizeMode.CenterCrop);
        var seeds = RepositoryPaths.SampleImages().Take(20).Select(File.ReadAllBytes).ToList();
        var budget = TimeSpan.FromSeconds(SoakSettings.FuzzSeconds);
        var clock = Stopwatch.StartNew();
        int cases = 0, decoded = 0;
        while (clock.Elapsed < budget)
        {
            byte[] data = Mutate(seeds[rng.Next(seeds.Count)], rng);
            string name = $"mutant-{cases++}.jpg";
            try
            {
                decoder.Decode(data, name, target);
                decoded++;
            }
            catch (LookalikeException e)
            {
                Assert.True(DecodeKinds.Contains(e.Kind), $"{name}: {e.Kind}: {e.Message}");
                Assert.Equal(name, e.Subject);
            }
        }
        output.WriteLine($"{cases} mutants in {budget.TotalSeconds:0} s: {decoded} decoded, {cases - decoded} typed failures, 0 crashes");
        Assert.True(cases > 50, $"only {cases} mutants ran");
    }

    /// <summary>One to four mutations: bit flips, byte overwrites with interesting values, chunk deletion, duplication, truncation.</summary>
    private static byte[] Mutate(byte[] seed, Random rng)
    {
        var data = new List<byte>(seed);
        int mutations = rng.Next(1, 5);
        for (int m = 0; m < mutations && data.Count > 4; m++)
        {
            int at = rng.Next(data.Count);
            switch (rng.Next(6))
            {
                case 0: data[at] ^= (byte)(1 << rng.Next(8)); break;
                case 1: data[at] = (byte)(rng.Next(4) switch { 0 => 0x00, 1 => 0xFF, 2 => 0x7F, _ => 0x80 }); break;
                case 2: data.RemoveRange(at, Math.Min(rng.Next(1, 512), data.Count - at)); break;
                case 3:
                    int length = Math.Min(rng.Next(1, 512), data.Count - at);
                    data.InsertRange(rng.Next(data.Count), data.GetRange(at, length));
                    break;
                case 4: data.RemoveRange(at, data.Count - at); break;
                default:
                    // Header region: where sizes and tables live.
                    int header = rng.Next(Math.Min(data.Count, 700));
                    data[header] = (byte)rng.Next(256);
                    break;
            }
        }
        return data.ToArray();
    }

    public void Dispose() => _dir.Dispose();
}
