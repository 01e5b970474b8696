using Lookalike.Core.Catalog;
using Lookalike.Core.Imaging;
using Lookalike.Hosting;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Ingest;
using Lookalike.TestKit;

namespace Lookalike.Server.Tests.Support;

/// <summary>
/// A real store of real photos: the first <c>perClass</c> sample photos of every class (in file order) with their
/// labels, indexed by the real pipeline and model into <c>&lt;temp&gt;/store</c>. The photos left out serve as outside
/// photos for uploads.
/// </summary>
public sealed class SampleCatalog : IDisposable
{
    private readonly TempDirectory _directory = new();

    private SampleCatalog(int perClass)
    {
        var rows = File.ReadAllLines(RepositoryPaths.SampleLabels).Skip(1)
            .Select(line => line.Split(','))
            .Select(cells => (File: cells[0], Class: cells[1]))
            .OrderBy(r => r.File, StringComparer.Ordinal)
            .ToList();
        var chosen = rows.GroupBy(r => r.Class).SelectMany(g => g.Take(perClass)).OrderBy(r => r.File, StringComparer.Ordinal).ToList();
        var chosenFiles = chosen.Select(r => r.File).ToHashSet();
        Folder = _directory.Combine("catalog");
        Directory.CreateDirectory(Path.Combine(Folder, "images"));
        foreach (var row in chosen)
            File.Copy(Path.Combine(RepositoryPaths.Samples, row.File), Path.Combine(Folder, row.File));
        File.WriteAllLines(Path.Combine(Folder, "labels.csv"), ["file,class", .. chosen.Select(r => $"{r.File},{r.Class}")]);

        Store = _directory.Combine("store");
        using (var store = LookalikeComponents.OpenStore(Store, create: true))
        {
            var pipeline = new IngestPipeline(store, LookalikeComponents.CreateDecoder(), SharedModel.Embedder, new IngestOptions(), new ImageDecoderOptions());
            var summary = pipeline.RunAsync(new IngestRequest(Folder, LabelsFile.Load(Path.Combine(Folder, "labels.csv")).Rows)).GetAwaiter().GetResult();
            if (summary.Failures.Count > 0 || summary.Added != chosen.Count)
                throw new InvalidOperationException($"indexing the sample catalog failed: {string.Join("; ", summary.Failures.Select(f => f.Message))}");
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Items = chosen.Select(r => (Id: r.File, r.Class)).ToList();
        Outside = rows.Where(r => !chosenFiles.Contains(r.File))
            .GroupBy(r => r.Class).Select(g => (Path: Path.Combine(RepositoryPaths.Samples, g.First().File), Class: g.Key))
            .OrderBy(o => o.Class, StringComparer.Ordinal).ToList();
    }

    /// <summary>Builds the catalog; takes a few seconds (the real model embeds every photo).</summary>
    public static SampleCatalog Build(int perClass) => new(perClass);

    /// <summary>The store folder.</summary>
    public string Store { get; }

    /// <summary>The indexed folder (photos and labels.csv).</summary>
    public string Folder { get; }

    /// <summary>Indexed items in id order: id (e.g. <c>images/x.jpg</c>) and class.</summary>
    public IReadOnlyList<(string Id, string Class)> Items { get; }

    /// <summary>One sample photo per class that is not in the store, by class.</summary>
    public IReadOnlyList<(string Path, string Class)> Outside { get; }

    public int Classes => Items.Select(i => i.Class).Distinct().Count();

    public string TempPath => _directory.Path;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}
