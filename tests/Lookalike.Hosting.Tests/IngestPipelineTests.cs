using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Ingest;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using SkiaSharp;

namespace Lookalike.Hosting.Tests;

[Collection(IndexedSamplesCollection.Name)]
public sealed class IngestPipelineTests(IndexedSamplesFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    private IngestSummary Index(string folder, bool prune = false, string store = "store")
    {
        using var catalog = SqliteCatalogStore.Open(_dir.Combine(store), create: true);
        var pipeline = new IngestPipeline(catalog, fixture.Decoder, fixture.Embedder, new IngestOptions { WriteBatchSize = 4 }, new ImageDecoderOptions { MaxFileBytes = 1_000_000 });
        return pipeline.RunAsync(new IngestRequest(folder, Prune: prune)).GetAwaiter().GetResult();
    }

    private Dictionary<string, CatalogItem> StoredItems(string store = "store")
    {
        using var catalog = SqliteCatalogStore.Open(_dir.Combine(store), create: false);
        return catalog.ReadAll(withVectors: true).ToDictionary(i => i.Id.Value);
    }

    [Fact]
    public void Index_BrokenFiles_EachReportedByNameAndRestIndexed()
    {
        var good = _dir.CopySamples(6, "photos");
        string photos = _dir.Combine("photos");
        byte[] jpeg = File.ReadAllBytes(good[0]);
        File.WriteAllBytes(Path.Combine(photos, "truncated.jpg"), jpeg[..(jpeg.Length / 3)]);
        File.WriteAllBytes(Path.Combine(photos, "empty.jpg"), []);
        File.WriteAllText(Path.Combine(photos, "notes.png"), "this is a text file pretending to be a PNG");
        File.WriteAllText(Path.Combine(photos, "page.jpg"), "<!doctype html><html><body>hi</body></html>");
        var corrupt = (byte[])jpeg.Clone();
        for (int i = 600; i < corrupt.Length; i += 7) corrupt[i] = 0xFF;
        File.WriteAllBytes(Path.Combine(photos, "corrupt.jpg"), corrupt);
        File.WriteAllBytes(Path.Combine(photos, "huge.jpg"), new byte[1_000_001]);
        // Wrong extension but a real image: content is sniffed, so it is indexed.
        File.WriteAllBytes(Path.Combine(photos, "really-a-jpeg.png"), File.ReadAllBytes(good[1]));
        File.WriteAllText(Path.Combine(photos, "readme.txt"), "not an image extension: ignored, not an error");

        var summary = Index(photos);

        var failed = summary.Failures.ToDictionary(f => Path.GetFileName(f.Path), f => f);
        Assert.Equal(new[] { "empty.jpg", "huge.jpg", "notes.png", "page.jpg", "truncated.jpg" }, failed.Keys.Where(k => k != "corrupt.jpg").Order());
        Assert.Equal(nameof(LookalikeErrorKind.UnsupportedImage), failed["empty.jpg"].Kind);
        Assert.Equal(nameof(LookalikeErrorKind.UnsupportedImage), failed["notes.png"].Kind);
        Assert.Equal(nameof(LookalikeErrorKind.ImageTooLarge), failed["huge.jpg"].Kind);
        Assert.Equal(nameof(LookalikeErrorKind.CorruptImage), failed["truncated.jpg"].Kind);
        Assert.All(summary.Failures, f => Assert.Contains(Path.GetFileName(f.Path), f.Message));
        var stored = StoredItems();
        Assert.Contains("really-a-jpeg.png", stored.Keys);
        Assert.All(good.Select(Path.GetFileName), name => Assert.Contains(name!, stored.Keys));
        Assert.Equal(summary.Added, stored.Count);
        Assert.Equal(summary.FilesSeen, summary.Added + summary.Failures.Count);
    }

    [Fact]
    public void Reindex_OneFileChanged_ReembedsExactlyThatFile()
    {
        var files = _dir.CopySamples(8, "photos");
        string photos = _dir.Combine("photos");
        var first = Index(photos);
        Assert.Equal(8, first.Added);
        var before = StoredItems();

        // Change one file's content; only touch another (same bytes, new time).
        File.Copy(RepositoryPaths.SampleImages()[200], files[2], overwrite: true);
        File.SetLastWriteTimeUtc(files[5], DateTime.UtcNow.AddMinutes(5));
        var second = Index(photos);

        Assert.Equal(0, second.Added);
        Assert.Equal(1, second.Updated);
        Assert.Equal(7, second.Skipped);
        var after = StoredItems();
        string changed = Path.GetFileName(files[2]);
        Assert.NotEqual(before[changed].Vector.ToArray(), after[changed].Vector.ToArray());
        Assert.NotEqual(before[changed].ContentHash, after[changed].ContentHash);
        foreach (var (id, item) in before.Where(kv => kv.Key != changed))
            Assert.Equal(item.Vector.ToArray(), after[id].Vector.ToArray());
        string touched = Path.GetFileName(files[5]);
        Assert.NotEqual(before[touched].ModifiedUtc, after[touched].ModifiedUtc);

        var third = Index(photos);
        Assert.Equal(8, third.Skipped);
        Assert.Equal(0, third.Added + third.Updated);
    }

    [Fact]
    public void Reindex_DeletedFile_KeptWithoutPruneRemovedWithPrune()
    {
        var files = _dir.CopySamples(5, "photos");
        string photos = _dir.Combine("photos");
        Index(photos);
        File.Delete(files[0]);

        var kept = Index(photos);
        Assert.Equal(1, kept.Missing);
        Assert.Equal(0, kept.Removed);
        Assert.Equal(5, StoredItems().Count);

        var pruned = Index(photos, prune: true);
        Assert.Equal(1, pruned.Removed);
        Assert.Equal(4, StoredItems().Count);
        Assert.DoesNotContain(Path.GetFileName(files[0]), StoredItems().Keys);
    }

    [Fact]
    public void Index_NestedFoldersAndHiddenEntries_IdsAreRelativeSlashPaths()
    {
        var files = _dir.CopySamples(3, Path.Combine("photos", "a", "b"));
        _dir.CopySamples(1, Path.Combine("photos", ".hidden"));
        var summary = Index(_dir.Combine("photos"));
        Assert.Equal(3, summary.Added);
        Assert.All(StoredItems().Keys, id => Assert.StartsWith("a/b/", id));
    }

    [Fact]
    public void Index_MissingFolder_IsNotFound()
    {
        var e = Assert.Throws<LookalikeException>(() => Index(_dir.Combine("nope")));
        Assert.Equal(LookalikeErrorKind.NotFound, e.Kind);
    }

    [Fact]
    public void Index_StoreOfOtherModel_FailsBeforeAnyWork()
    {
        _dir.CopySamples(2, "photos");
        using (var catalog = SqliteCatalogStore.Open(_dir.Combine("store"), create: true))
            catalog.BindModel(new ModelId("vgg16-fc2@deadbeef"), 4096);
        var e = Assert.Throws<LookalikeException>(() => Index(_dir.Combine("photos")));
        Assert.Equal(LookalikeErrorKind.ModelMismatch, e.Kind);
        Assert.Empty(StoredItems());
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
