using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.TestKit;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Tests;

public class SqliteCatalogStoreTests
{
    private static readonly ModelId Model = new("test@00000000");

    private static CatalogItem Item(string id, float x, Dictionary<string, string>? metadata = null) => new()
    {
        Id = ItemId.Parse(id),
        Path = "/photos/" + id,
        ContentHash = "hash-" + id,
        SizeBytes = 100,
        ModifiedUtc = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123),
        Metadata = metadata ?? [],
        Model = Model,
        Vector = new[] { x, 1 - x, 0.5f },
    };

    [Fact]
    public void Open_Missing_WithoutCreate_IsNotFoundNamingFolder()
    {
        using var dir = new TempDirectory();
        string path = Path.Combine(dir.Path, "nope");
        var e = Assert.Throws<LookalikeException>(() => SqliteCatalogStore.Open(path, create: false));
        Assert.Equal(LookalikeErrorKind.NotFound, e.Kind);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void UpsertThenReopen_RoundTripsEveryField()
    {
        using var dir = new TempDirectory();
        using (var store = SqliteCatalogStore.Open(dir.Path, create: true))
        {
            store.BindModel(Model, 3);
            store.Upsert([Item("b.jpg", 0.25f, new() { ["class"] = "shoes" }), Item("a/x.jpg", 0.5f)]);
        }
        using var reopened = SqliteCatalogStore.Open(dir.Path, create: false);
        var items = reopened.ReadAll(withVectors: true).ToList();
        Assert.Equal(["a/x.jpg", "b.jpg"], items.Select(i => i.Id.Value));
        var b = reopened.Find(ItemId.Parse("b.jpg"))!;
        Assert.Equal("/photos/b.jpg", b.Path);
        Assert.Equal("hash-b.jpg", b.ContentHash);
        Assert.Equal(100, b.SizeBytes);
        Assert.Equal(1_700_000_000_123, b.ModifiedUtc.ToUnixTimeMilliseconds());
        Assert.Equal("shoes", b.Metadata["class"]);
        Assert.Equal(Model, b.Model);
        Assert.Equal(new[] { 0.25f, 0.75f, 0.5f }, b.Vector.ToArray());
        var info = reopened.GetInfo();
        Assert.Equal(2, info.Items);
        Assert.Equal(3, info.Dimension);
        Assert.Equal(Model, info.Model);
        Assert.Equal(["class"], reopened.GetMetadataColumns());
        Assert.True(info.StoreBytes > 0);
        Assert.Equal(5, info.SchemaVersion); // 001_initial + 002_feedback + 003_projection + 004_vector_files + 005_vector_file_name
    }

    [Fact]
    public void BindModel_OtherModel_IsModelMismatchNamingBoth()
    {
        using var dir = new TempDirectory();
        using var store = SqliteCatalogStore.Open(dir.Path, create: true);
        store.BindModel(Model, 3);
        store.BindModel(Model, 3); // same model: fine
        var e = Assert.Throws<LookalikeException>(() => store.BindModel(new ModelId("vgg16@12345678"), 4096));
        Assert.Equal(LookalikeErrorKind.ModelMismatch, e.Kind);
        Assert.Contains("test@00000000", e.Message);
        Assert.Contains("vgg16@12345678", e.Message);
    }

    [Fact]
    public void Upsert_ItemOfOtherModel_RollsBackWholeBatch()
    {
        using var dir = new TempDirectory();
        using var store = SqliteCatalogStore.Open(dir.Path, create: true);
        store.BindModel(Model, 3);
        var bad = Item("c.jpg", 0.1f) with { Model = new ModelId("other@1") };
        Assert.Throws<LookalikeException>(() => store.Upsert([Item("a.jpg", 0.3f), bad]));
        Assert.Empty(store.ReadAll(withVectors: false));
    }

    [Fact]
    public void Remove_AndGeneration_Advance()
    {
        using var dir = new TempDirectory();
        using var store = SqliteCatalogStore.Open(dir.Path, create: true);
        store.Upsert([Item("a.jpg", 0.3f), Item("b.jpg", 0.4f)]);
        long before = store.GetInfo().Generation;
        Assert.Equal(1, store.Remove([ItemId.Parse("a.jpg"), ItemId.Parse("zzz.jpg")]));
        Assert.True(store.GetInfo().Generation > before);
        Assert.Null(store.Find(ItemId.Parse("a.jpg")));
        Assert.Equal(ItemId.Parse("b.jpg"), store.FindByContentHash("hash-b.jpg"));
        Assert.Null(store.FindByContentHash("hash-a.jpg"));
    }

    [Fact]
    public void UpdateDetails_KeepsVectorChangesMetadata()
    {
        using var dir = new TempDirectory();
        using var store = SqliteCatalogStore.Open(dir.Path, create: true);
        store.Upsert([Item("a.jpg", 0.3f)]);
        var id = ItemId.Parse("a.jpg");
        store.UpdateDetails([(id, new ItemFingerprint("hash-a.jpg", 100, DateTimeOffset.FromUnixTimeMilliseconds(5)), new Dictionary<string, string> { ["k"] = "v" })]);
        var item = store.Find(id)!;
        Assert.Equal("v", item.Metadata["k"]);
        Assert.Equal(5, item.ModifiedUtc.ToUnixTimeMilliseconds());
        Assert.Equal(0.3f, item.Vector.Span[0]);
        Assert.Equal(5, store.GetFingerprints()[id].ModifiedUtc.ToUnixTimeMilliseconds());
    }

    [Fact]
    public void Open_NewerSchema_IsStoreCorrupt()
    {
        using var dir = new TempDirectory();
        SqliteCatalogStore.Open(dir.Path, create: true).Dispose();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "catalog.db")}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
        var e = Assert.Throws<LookalikeException>(() => SqliteCatalogStore.Open(dir.Path, create: false));
        Assert.Equal(LookalikeErrorKind.StoreCorrupt, e.Kind);
        Assert.Contains("99", e.Message);
    }

    [Fact]
    public void Open_GarbageFile_IsStoreCorrupt()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "catalog.db"), "this is not a database, just text that is long enough to matter..........");
        var e = Assert.Throws<LookalikeException>(() => SqliteCatalogStore.Open(dir.Path, create: false));
        Assert.Equal(LookalikeErrorKind.StoreCorrupt, e.Kind);
    }

    [Fact]
    public void Open_UsesWalJournal()
    {
        using var dir = new TempDirectory();
        using var store = SqliteCatalogStore.Open(dir.Path, create: true);
        store.Upsert([Item("a.jpg", 0.3f)]);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dir.Path, "catalog.db")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
    }
}
