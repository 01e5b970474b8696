using System.Text.Json;
using Lookalike.TestKit;

namespace Lookalike.Cli.Tests;

/// <summary>
/// Dead vector rows through the CLI: a write command that leaves more than a quarter of the vector file dead compacts it
/// on its own, <c>info --json</c> shows live and dead rows, <c>compact --json</c> drops the rest, and answers do not change.
/// </summary>
public sealed class CompactCliTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private JsonElement Json(params string[] args)
    {
        var result = CliRunner.Run(_dir.Path, args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    private JsonElement VectorFile() => Json("info", "--json", "--store", "s").GetProperty("vector_file");

    private string Similar() => Json("similar", "synthetic/0000042", "-k", "10", "--json", "--store", "s", "--index", "exact").GetProperty("results").GetRawText();

    [Fact]
    public void ReSynth_CompactsOnItsOwn_InfoShowsDeadRows_CompactDropsThem_AnswersUnchanged()
    {
        string[] Synth(string n, string seed) => ["vectors", "synth", "--n", n, "--dim", "128", "--seed", seed, "--store", "s", "--index", "exact"];
        Assert.Equal(0, CliRunner.Run(_dir.Path, Synth("3000", "1")).ExitCode);
        Assert.Equal((3000, 0), (VectorFile().GetProperty("rows").GetInt32(), VectorFile().GetProperty("dead_rows").GetInt32()));

        // Every vector again: half the file dead (1.5 MiB) → the command compacts before it ends.
        var again = CliRunner.Run(_dir.Path, Synth("3000", "2"));
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("compact: vectors.f32 → vectors.1.f32: 6,000 → 3,000 rows", again.Stderr, StringComparison.Ordinal);
        var file = VectorFile();
        Assert.Equal("vectors.1.f32", file.GetProperty("file").GetString());
        Assert.Equal((3000, 0L), (file.GetProperty("live_rows").GetInt32(), file.GetProperty("dead_rows").GetInt64()));
        Assert.Equal(64 + 3000L * 128 * 4, file.GetProperty("file_bytes").GetInt64());

        // A fifth of the items again: 20 % dead, under the share → left for later, and info says so.
        var some = CliRunner.Run(_dir.Path, Synth("750", "3"));
        Assert.True(some.ExitCode == 0, some.Stderr);
        Assert.DoesNotContain("compact:", some.Stderr, StringComparison.Ordinal);
        file = VectorFile();
        Assert.Equal((3750, 750), (file.GetProperty("rows").GetInt32(), file.GetProperty("dead_rows").GetInt32()));
        string before = Similar();

        var compact = Json("compact", "--json", "--store", "s");
        Assert.True(compact.GetProperty("compacted").GetBoolean());
        Assert.Equal(750, compact.GetProperty("before").GetProperty("dead_rows").GetInt32());
        Assert.Equal(("vectors.2.f32", 3000, 0), (compact.GetProperty("after").GetProperty("file").GetString(),
            compact.GetProperty("after").GetProperty("rows").GetInt32(), compact.GetProperty("after").GetProperty("dead_rows").GetInt32()));
        Assert.Equal(before, Similar());
        Assert.Equal(["vectors.2.f32"], Directory.GetFiles(_dir.Combine("s"), "vectors*.f32").Select(Path.GetFileName));
        Assert.False(Json("compact", "--json", "--store", "s").GetProperty("compacted").GetBoolean());
        Assert.Equal(0, CliRunner.Run(_dir.Path, "verify", "--store", "s").ExitCode);
    }

    public void Dispose() => _dir.Dispose();
}
