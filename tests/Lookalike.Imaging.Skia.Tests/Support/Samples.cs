namespace Lookalike.Imaging.Skia.Tests.Support;

/// <summary>The CC0 sample photos under <c>samples/images</c>, found by walking up from the test binaries.</summary>
internal static class Samples
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string ImagesDirectory => Path.Combine(Root.Value, "samples", "images");

    /// <summary>All sample JPEG paths, sorted so the order is deterministic.</summary>
    public static string[] AllJpegs() => Directory.GetFiles(ImagesDirectory, "*.jpg").Order(StringComparer.Ordinal).ToArray();

    /// <summary>Every <paramref name="step"/>-th sample, as xunit theory data.</summary>
    public static TheoryData<string> Every(int step)
    {
        var data = new TheoryData<string>();
        var all = AllJpegs();
        for (int i = 0; i < all.Length; i += step)
            data.Add(Path.GetFileName(all[i]));
        return data;
    }

    public static byte[] Read(string fileName) => File.ReadAllBytes(Path.Combine(ImagesDirectory, fileName));

    /// <summary>The first sample, a convenient real JPEG.</summary>
    public static (string Name, byte[] Bytes) First()
    {
        var path = AllJpegs()[0];
        return (path, File.ReadAllBytes(path));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "samples", "labels.csv")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains samples/labels.csv.");
    }
}
