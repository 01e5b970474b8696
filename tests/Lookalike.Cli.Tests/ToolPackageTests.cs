using System.Diagnostics;
using System.Text.Json;
using Lookalike.TestKit;

namespace Lookalike.Cli.Tests;

/// <summary>
/// The <c>lookalike</c> .NET tool as a user gets it: the <c>Lookalike.Cli</c> package, installed with
/// <c>dotnet tool install --tool-path</c> from those packages alone (no other feed), run from a folder outside the
/// repository. The packages are <c>$LOOKALIKE_PACKAGES</c> when set (<c>.ci/run</c> packs the whole repository once
/// and passes its folder), else packed here from the working tree.
/// </summary>
public class ToolPackageTests
{
    public const string PackagesVariable = "LOOKALIKE_PACKAGES";

    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(10);

    [Fact]
    public void PackedTool_InstalledIntoToolPath_IndexesAndAnswersLikeTheBuiltProgram()
    {
        using var temp = new TempDirectory();
        string packages = Environment.GetEnvironmentVariable(PackagesVariable) is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : Pack(temp.Combine("packages"));
        string version = ToolVersion(packages);

        string config = temp.Combine("nuget.config");
        File.WriteAllText(config, $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="artifacts" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        string tools = temp.Combine("tools");
        var install = Run(temp.Path, "dotnet", "tool", "install", "--tool-path", tools, "--configfile", config, "Lookalike.Cli", "--version", version);
        Assert.True(install.ExitCode == 0, install.Stdout + install.Stderr);
        string lookalike = Path.Combine(tools, OperatingSystem.IsWindows() ? "lookalike.exe" : "lookalike");
        Assert.True(File.Exists(lookalike), $"the install made no {lookalike}:\n{install.Stdout}");

        IReadOnlyList<string> photos = temp.CopySamples(24, Path.Combine("catalog", "images"));
        WriteLabels(temp.Combine("catalog", "labels.csv"), photos);

        var index = Run(temp.Path, lookalike, "index", "catalog", "--labels", Path.Combine("catalog", "labels.csv"), "--store", "store", "--json");
        Assert.True(index.ExitCode == 0, index.Stderr);
        using (var summary = JsonDocument.Parse(index.Stdout))
        {
            Assert.Equal(24, summary.RootElement.GetProperty("added").GetInt32());
            Assert.Equal(0, summary.RootElement.GetProperty("failures").GetArrayLength());
        }

        // An item of the catalog, and a photo from outside it (which makes the tool load its model for the query).
        string item = "images/" + Path.GetFileName(photos[0]);
        string outside = RepositoryPaths.SampleImages()[^1];
        foreach (string query in new[] { item, outside })
        {
            string[] args = ["similar", query, "-k", "5", "--store", "store", "--json"];
            var fromTool = Run(temp.Path, lookalike, args);
            Assert.True(fromTool.ExitCode == 0, fromTool.Stderr);
            var fromBuild = CliRunner.Run(temp.Path, args);
            Assert.True(fromBuild.ExitCode == 0, fromBuild.Stderr);

            var toolResults = Results(fromTool.Stdout);
            var buildResults = Results(fromBuild.Stdout);
            Assert.Equal(5, toolResults.Count);
            Assert.DoesNotContain(toolResults, r => r.Id == item);
            Assert.True(toolResults.Zip(toolResults.Skip(1)).All(p => p.First.Score >= p.Second.Score), "scores descend");
            Assert.All(toolResults, r => Assert.True(r.HasClass, $"{r.Id} lost its labels"));
            // The packaged tool (Release, its own copy of the model) answers what the program built from this tree does.
            Assert.Equal(buildResults.Select(r => r.Id), toolResults.Select(r => r.Id));
            foreach (var (tool, built) in toolResults.Zip(buildResults)) Assert.Equal(built.Score, tool.Score, 1e-5);
        }
    }

    private sealed record Ranked(string Id, double Score, bool HasClass);

    private static List<Ranked> Results(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("results").EnumerateArray()
            .Select(r => new Ranked(r.GetProperty("id").GetString()!, r.GetProperty("score").GetDouble(), r.GetProperty("metadata").TryGetProperty("class", out _)))
            .ToList();
    }

    private static void WriteLabels(string path, IReadOnlyList<string> photos)
    {
        var classes = File.ReadLines(RepositoryPaths.SampleLabels).Skip(1)
            .Select(line => line.Split(','))
            .ToDictionary(cells => Path.GetFileName(cells[0]), cells => cells[1], StringComparer.Ordinal);
        File.WriteAllLines(path, ["file,class", .. photos.Select(p => $"images/{Path.GetFileName(p)},{classes[Path.GetFileName(p)]}")]);
    }

    /// <summary>Packs the tool from the working tree, as <c>dotnet pack -c Release</c> at the root would.</summary>
    private static string Pack(string output)
    {
        string project = Path.Combine(RepositoryPaths.Root, "src", "Lookalike.Cli", "Lookalike.Cli.csproj");
        var pack = Run(RepositoryPaths.Root, "dotnet", "pack", project, "-c", "Release", "-o", output);
        Assert.True(pack.ExitCode == 0, pack.Stdout + pack.Stderr);
        return output;
    }

    private static string ToolVersion(string packages)
    {
        string[] found = Directory.GetFiles(packages, "Lookalike.Cli.*.nupkg");
        Assert.True(found.Length == 1, $"expected one Lookalike.Cli package in {packages}, found {found.Length}");
        string name = Path.GetFileNameWithoutExtension(found[0]);
        return name["Lookalike.Cli.".Length..];
    }

    private static CliRunner.Result Run(string workingDirectory, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("LOOKALIKE_STORE");
        // `dotnet test` hands its MSBuild settings to the test host; a nested pack or tool install must find its own.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandLimit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {CommandLimit.TotalMinutes} minutes");
        }
        return new CliRunner.Result(process.ExitCode, stdout.Result, stderr.Result);
    }
}
