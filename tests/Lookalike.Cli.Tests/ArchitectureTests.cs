using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Lookalike.TestKit;

namespace Lookalike.Cli.Tests;

/// <summary>
/// The dependency rule: the hosts (the CLI and the server) go through the application layer (Lookalike.Hosting) and
/// never touch an adapter project, in their compiled references or in their source.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly string[] Adapters =
        ["Lookalike.Storage.Sqlite", "Lookalike.Embedding.Onnx", "Lookalike.Imaging.Skia", "Lookalike.Search.USearch", "Lookalike.Feeds"];

    private static readonly string[] HostSources = ["src/Lookalike.Cli", "src/Lookalike.Server"];

    [Theory]
    [InlineData("lookalike")]
    [InlineData("Lookalike.Server")]
    public void HostAssembly_References_NoAdapterAssembly(string assembly)
    {
        // The compiler records an assembly reference for every assembly whose types or members the code uses,
        // including through `var` and method return types, so this sees what a text search cannot.
        string path = Path.Combine(AppContext.BaseDirectory, assembly + ".dll");
        using var pe = new PEReader(File.OpenRead(path));
        var metadata = pe.GetMetadataReader();
        var referenced = metadata.AssemblyReferences
            .Select(h => metadata.GetString(metadata.GetAssemblyReference(h).Name))
            .ToList();
        Assert.Contains("Lookalike.Hosting", referenced);
        Assert.Empty(referenced.Intersect(Adapters));
    }

    [Fact]
    public void HostSources_Name_NoAdapterTypeOrNamespace()
    {
        var adapterTypes = Adapters
            .SelectMany(name => Assembly.Load(name).GetTypes())
            .Where(t => !t.IsNested && !t.Name.StartsWith('<') && t.Namespace?.StartsWith("Lookalike.", StringComparison.Ordinal) == true)
            .Select(t => t.Name.Split('`')[0])
            .ToHashSet(StringComparer.Ordinal);
        Assert.Contains("SqliteCatalogStore", adapterTypes); // the scan sees the adapters' types at all
        var pattern = new Regex(@"\b(" + string.Join("|", adapterTypes.Concat(Adapters).Select(Regex.Escape)) + @")\b", RegexOptions.CultureInvariant);

        var offences = HostSources
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line: i + 1, text: line)))
            .Where(l => !l.text.TrimStart().StartsWith("//", StringComparison.Ordinal) && pattern.IsMatch(l.text))
            .Select(l => $"{Path.GetRelativePath(RepositoryPaths.Root, l.file)}:{l.line}: {pattern.Match(l.text).Value}")
            .ToList();
        Assert.True(offences.Count == 0, "Adapter types named in a host (go through Lookalike.Hosting):\n" + string.Join("\n", offences));
    }
}
