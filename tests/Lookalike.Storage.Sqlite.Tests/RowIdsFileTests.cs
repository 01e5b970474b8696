using System.Buffers.Binary;
using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.Storage.Sqlite.Vectors;
using Lookalike.TestKit;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Tests;

/// <summary>
/// The row-id file (<see cref="RowIdsFile"/>) that spares opening the vectors a pass over every item: used only when it
/// is the table of the snapshot being opened and intact; missing, stale (an earlier generation, or another copy of the
/// store at the same generation), damaged or truncated, it is read from SQLite again and rewritten; and even a stale
/// file forged to pass every check never gives an item another item's id.
/// </summary>
public sealed class RowIdsFileTests : IDisposable
{
    private const int Dimension = 16;
    private static readonly ModelId Model = SyntheticItems.Model;
    private readonly TempDirectory _dir = new();

    private static float[][] Vectors(int n, int seed) => SyntheticItems.Vectors(n, Dimension, clusters: 8, seed);

    private static string Id(int i) => $"item/{i:D4}.jpg";

    private static CatalogItem Item(string id, float[] vector) => SyntheticItems.Item(id, vector);

    private string NewStore(string name, int items = 200)
    {
        string location = _dir.Combine(name);
        using var store = SqliteCatalogStore.Open(location, create: true);
        store.BindModel(Model, Dimension);
        store.Upsert(Vectors(items, seed: 1).Select((v, i) => Item(Id(i), v)).ToList());
        return location;
    }

    private static string FilePath(string location) => RowIdsFile.PathIn(location);

    /// <summary>Opens the vectors and says whether the row-id file was used, checking every item maps to its own vector.</summary>
    private static bool OpenAndCheck(string location)
    {
        using var store = SqliteCatalogStore.Open(location, create: false);
        var items = store.ReadAll(withVectors: true).ToList();
        var stored = store.OpenVectors()!;
        bool fromFile = Assert.IsType<SqliteRowIds>(stored.Ids).FromFile;
        using var index = new MappedExactIndex(stored);
        Assert.Equal(items.Count, index.Count);
        foreach (var item in items)
        {
            Assert.True(index.Contains(item.Id), $"{item.Id} is missing");
            Assert.Equal(item.Vector.ToArray(), index.GetVector(item.Id));
            Assert.Equal(item.Id, Assert.Single(index.Search(item.Vector.Span, new SearchRequest(1))).Id);
        }
        return fromFile;
    }

    [Fact]
    public void FirstOpen_ReadsSqliteAndWritesTheFile_TheNextUsesIt_AndAMissingFileIsRebuilt()
    {
        string location = NewStore("s");
        Assert.False(OpenAndCheck(location));
        Assert.True(File.Exists(FilePath(location)));
        Assert.True(OpenAndCheck(location));

        File.Delete(FilePath(location));
        Assert.False(OpenAndCheck(location));
        Assert.True(OpenAndCheck(location));
        Assert.Empty(Directory.EnumerateFiles(location, "*.tmp"));
    }

    [Fact]
    public void Rewrite_RemovesTheTemporaryFileOfAWriterKilledMidWrite()
    {
        string location = NewStore("s");
        // A writer SIGKILLed between creating its temporary file and renaming it leaves this behind (its pid is gone).
        string abandoned = FilePath(location) + $".{int.MaxValue - 7}.{Guid.NewGuid():N}.tmp";
        string live = FilePath(location) + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        File.WriteAllBytes(abandoned, new byte[4096]);
        File.WriteAllBytes(live, new byte[16]);

        Assert.False(OpenAndCheck(location));
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(live)); // a running writer's file is left alone
        File.Delete(live);
    }

    [Fact]
    public void FileOfAnEarlierGeneration_IsRebuilt()
    {
        string location = NewStore("s");
        Assert.False(OpenAndCheck(location));
        byte[] stale = File.ReadAllBytes(FilePath(location));
        using (var store = SqliteCatalogStore.Open(location, create: false))
        {
            store.Upsert(Vectors(20, seed: 2).Select((v, i) => Item("new/" + Id(i), v)).ToList());
            store.Remove([ItemId.Parse(Id(7))]);
        }
        File.WriteAllBytes(FilePath(location), stale);

        Assert.False(OpenAndCheck(location)); // without the generation check the 20 new items would be missing
        Assert.True(OpenAndCheck(location));
    }

    [Fact]
    public void FileOfAnotherCopyAtTheSameGeneration_IsRebuilt()
    {
        string original = NewStore("s");
        Assert.False(OpenAndCheck(original));
        string a = _dir.Combine("a"), b = _dir.Combine("b");
        CopyFolder(original, a);
        CopyFolder(original, b);
        // One write each: the same generation, different items.
        using (var store = SqliteCatalogStore.Open(a, create: false)) store.Remove([ItemId.Parse(Id(3))]);
        using (var store = SqliteCatalogStore.Open(b, create: false)) store.Remove([ItemId.Parse(Id(4))]);
        Assert.Equal(Generation(a), Generation(b));
        Assert.False(OpenAndCheck(a));
        Assert.False(OpenAndCheck(b));

        File.Copy(FilePath(b), FilePath(a), overwrite: true);
        Assert.False(OpenAndCheck(a)); // b's table has item 4 dead: used here, a would lose it
        Assert.True(OpenAndCheck(a));
    }

    [Fact]
    public void DamagedBody_IsRebuilt()
    {
        string location = NewStore("s");
        Assert.False(OpenAndCheck(location));
        byte[] bytes = File.ReadAllBytes(FilePath(location));
        bytes[RowIdsFile.HeaderBytes] = 0; // the live bits of rows 0–7
        File.WriteAllBytes(FilePath(location), bytes);

        Assert.False(OpenAndCheck(location)); // used, rows 0–7 would be dead: eight items lost
        Assert.True(OpenAndCheck(location));
    }

    [Fact]
    public void DamagedHeaderOrTruncatedFile_IsRebuilt()
    {
        string location = NewStore("s");
        Assert.False(OpenAndCheck(location));
        byte[] bytes = File.ReadAllBytes(FilePath(location));

        byte[] header = (byte[])bytes.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(36), 3); // live rows: 3 of 200
        File.WriteAllBytes(FilePath(location), header);
        Assert.False(OpenAndCheck(location));

        File.WriteAllBytes(FilePath(location), bytes[..^4]);
        Assert.False(OpenAndCheck(location));
        Assert.True(OpenAndCheck(location));
    }

    [Fact]
    public void StaleFileForgedToPassEveryCheck_NeverGivesAnItemAnotherItemsId()
    {
        string location = NewStore("s");
        Assert.False(OpenAndCheck(location));
        byte[] stale = File.ReadAllBytes(FilePath(location));
        var (last, lastRowid) = LastRowid(location);
        float[] lastVector;
        using (var store = SqliteCatalogStore.Open(location, create: false))
        {
            lastVector = store.Find(last)!.Vector.ToArray();
            store.Remove([last]);
            store.Upsert([Item("newcomer.jpg", Vectors(1, seed: 3)[0])]); // takes the deleted item's rowid
        }
        Assert.Equal(lastRowid, RowidOf(location, "newcomer.jpg"));
        // The old table, stamped with the store's current generation and nonce: every check passes.
        BinaryPrimitives.WriteInt64LittleEndian(stale.AsSpan(16), Generation(location));
        BinaryPrimitives.WriteInt64LittleEndian(stale.AsSpan(24), Nonce(location));
        BinaryPrimitives.WriteUInt32LittleEndian(stale.AsSpan(48), Crc32C.Final(Crc32C.Append(Crc32C.Initial, stale.AsSpan(0, 48))));
        File.WriteAllBytes(FilePath(location), stale);

        using var reopened = SqliteCatalogStore.Open(location, create: false);
        var stored = reopened.OpenVectors()!;
        Assert.True(Assert.IsType<SqliteRowIds>(stored.Ids).FromFile);
        using var index = new MappedExactIndex(stored);
        // The deleted item's row is live in the forged table; its rowid now holds "newcomer.jpg", whose hash is not the row's.
        var hits = index.Search(lastVector, new SearchRequest(10));
        Assert.Equal(10, hits.Count);
        Assert.DoesNotContain(hits, h => h.Id == last || h.Id.Value == "newcomer.jpg");
        Assert.All(hits, h => Assert.Equal(reopened.Find(h.Id)!.Vector.ToArray(), index.GetVector(h.Id)));
    }

    private static void CopyFolder(string from, string to)
    {
        SqliteConnection.ClearAllPools();
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
    }

    private static long Generation(string location) => long.Parse(Meta(location, "generation"), System.Globalization.CultureInfo.InvariantCulture);

    private static long Nonce(string location) => long.Parse(Meta(location, "generation_nonce"), System.Globalization.CultureInfo.InvariantCulture);

    private static string Meta(string location, string key)
    {
        using var connection = Connect(location);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM store_meta WHERE key = $key;";
        command.Parameters.AddWithValue("$key", key);
        return (string)command.ExecuteScalar()!;
    }

    private static (ItemId Id, long Rowid) LastRowid(string location) => CatalogDatabase.LastRowid(location);

    private static long RowidOf(string location, string id) => CatalogDatabase.RowidOf(location, id);

    private static SqliteConnection Connect(string location) => CatalogDatabase.Connect(location);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
