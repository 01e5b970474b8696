namespace Lookalike.TestKit;

/// <summary>Locates the repository's sample catalog and the shared datasets beside it.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "samples", "labels.csv"))) return dir.FullName;
        }
        throw new InvalidOperationException("Cannot find the repository root (a folder with samples/labels.csv) above " + AppContext.BaseDirectory);
    });

    public static string Root => RootLazy.Value;

    public static string Samples => Path.Combine(Root, "samples");

    public static string SampleLabels => Path.Combine(Samples, "labels.csv");

    /// <summary>Every sample photo, sorted.</summary>
    public static IReadOnlyList<string> SampleImages() =>
        Directory.GetFiles(Path.Combine(Samples, "images"), "*.jpg").Order(StringComparer.Ordinal).ToList();

    /// <summary><c>../shared/datasets/NAME</c> beside the repository, or null when absent (<see cref="Require.SharedDataset"/> turns that into a skip).</summary>
    public static string? SharedDataset(string name)
    {
        string path = Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets", name));
        return Directory.Exists(path) ? path : null;
    }
}
