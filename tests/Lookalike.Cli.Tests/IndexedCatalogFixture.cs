using Lookalike.TestKit;

namespace Lookalike.Cli.Tests;

/// <summary>30 sample photos with their labels, indexed once by the real CLI into a temp store.</summary>
public sealed class IndexedCatalogFixture : IDisposable
{
    private readonly TempDirectory _dir = new();

    public IndexedCatalogFixture()
    {
        var files = _dir.CopySamples(30, Path.Combine("catalog", "images"));
        var names = files.Select(Path.GetFileName).ToHashSet();
        var lines = File.ReadAllLines(RepositoryPaths.SampleLabels);
        File.WriteAllLines(_dir.Combine("catalog", "labels.csv"),
            lines.Take(1).Concat(lines.Skip(1).Where(l => names.Contains(Path.GetFileName(l.Split(',')[0])))));
        IndexResult = CliRunner.Run(_dir.Path, "index", "catalog", "--labels", "catalog/labels.csv", "--store", "store", "--json");
    }

    public CliRunner.Result IndexResult { get; }

    public string WorkingDirectory => _dir.Path;

    public string Catalog => _dir.Combine("catalog");

    public CliRunner.Result Run(params string[] args) => CliRunner.Run(_dir.Path, args);

    /// <summary>
    /// A copy of the shared store (the database and the vector file beside it, not the writer lock or derived caches)
    /// for a test that changes it; returns its folder name under <see cref="WorkingDirectory"/>.
    /// </summary>
    public string CopyOfStore(string prefix)
    {
        string copy = prefix + "-" + Guid.NewGuid().ToString("N")[..8];
        string to = Path.Combine(WorkingDirectory, copy);
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(Path.Combine(WorkingDirectory, "store")).Where(f => !Path.GetFileName(f).StartsWith("writer.", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        return copy;
    }

    public void Dispose() => _dir.Dispose();
}
