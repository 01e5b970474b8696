using System.Buffers.Binary;
using System.Numerics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.TestKit;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Tests;

/// <summary>The vector file beside <c>catalog.db</c>: layout, header checks, appends after an interrupted one, migration of BLOB stores.</summary>
public sealed class VectorFileTests : IDisposable
{
    private const int Dimension = 24;
    private const int HeaderBytes = 64;
    private static readonly ModelId Model = new("test@00000000");
    private readonly TempDirectory _dir = new();

    private static List<(string Id, float[] Vector)> Vectors(int n, int seed)
    {
        float[] data = new SyntheticVectors(Dimension, clusters: 16, seed: seed).Generate(n, stream: 0);
        return Enumerable.Range(0, n).Select(i => ($"item/{i:D5}.jpg", data.AsSpan(i * Dimension, Dimension).ToArray())).ToList();
    }

    private static CatalogItem Item(string id, float[] vector) => new()
    {
        Id = ItemId.Parse(id), Path = "/p/" + id, ContentHash = "hash-" + id, SizeBytes = 10,
        ModifiedUtc = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000), Model = Model, Vector = vector,
    };

    private string NewStore(string name, int n, int seed = 1)
    {
        string location = _dir.Combine(name);
        using var store = SqliteCatalogStore.Open(location, create: true);
        store.BindModel(Model, Dimension);
        store.Upsert(Vectors(n, seed).Select(v => Item(v.Id, v.Vector)).ToList());
        return location;
    }

    [Fact]
    public void Upsert_WritesVectorsToTheFile_NotToSqlite()
    {
        string location = NewStore("s", 100);
        string file = Path.Combine(location, "vectors.f32");
        byte[] bytes = File.ReadAllBytes(file);
        Assert.Equal(HeaderBytes + 100 * Dimension * sizeof(float), bytes.Length);
        Assert.Equal("LKVECTOR"u8.ToArray(), bytes[..8]);
        Assert.Equal(1, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8)));   // format version
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12))); // float32
        Assert.Equal(Dimension, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(100, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(24)));  // count
        Assert.DoesNotContain("vector", LegacyStore.Columns(location, "items"));
        Assert.Contains("vector_row", LegacyStore.Columns(location, "items"));

        using var store = SqliteCatalogStore.Open(location, create: false);
        var expected = Vectors(100, 1).ToDictionary(v => v.Id, v => v.Vector);
        foreach (var item in store.ReadAll(withVectors: true)) Assert.Equal(expected[item.Id.Value], item.Vector.ToArray());
        Assert.True(store.GetInfo().StoreBytes >= bytes.Length);
    }

    [Fact]
    public void Upsert_ReplacedItem_AppendsANewRow_OldRowsNeverRewritten()
    {
        string location = NewStore("s", 10);
        string file = Path.Combine(location, "vectors.f32");
        byte[] before = File.ReadAllBytes(file);
        using var store = SqliteCatalogStore.Open(location, create: false);
        float[] replacement = Vectors(1, seed: 9)[0].Vector;
        store.Upsert([Item("item/00003.jpg", replacement)]);
        byte[] after = File.ReadAllBytes(file);
        Assert.Equal(before.Length + Dimension * sizeof(float), after.Length);
        Assert.Equal(before.AsSpan(HeaderBytes).ToArray(), after.AsSpan(HeaderBytes, before.Length - HeaderBytes).ToArray());
        Assert.Equal(replacement, store.Find(ItemId.Parse("item/00003.jpg"))!.Vector.ToArray());
    }

    [Fact]
    public void Upsert_Refused_AppendsNothing()
    {
        string location = NewStore("s", 10);
        long length = new FileInfo(Path.Combine(location, "vectors.f32")).Length;
        using var store = SqliteCatalogStore.Open(location, create: false);
        var wrongModel = Item("x.jpg", Vectors(1, 2)[0].Vector) with { Model = new ModelId("other@00000000") };
        Assert.Equal(LookalikeErrorKind.ModelMismatch, Assert.Throws<LookalikeException>(() => store.Upsert([Item("y.jpg", Vectors(1, 3)[0].Vector), wrongModel])).Kind);
        var wrongDimension = Item("z.jpg", new float[Dimension + 1]);
        Assert.Throws<LookalikeException>(() => store.Upsert([wrongDimension]));
        Assert.Equal(length, new FileInfo(Path.Combine(location, "vectors.f32")).Length);
        Assert.Equal(10, store.GetInfo().Items);
    }

    [Fact]
    public void Upsert_AfterAnInterruptedAppend_CutsItsTail()
    {
        string location = NewStore("s", 10);
        string file = Path.Combine(location, "vectors.f32");
        long committed = new FileInfo(file).Length;
        // A process killed mid-append leaves bytes past the header's count that no database row refers to.
        using (var stream = new FileStream(file, FileMode.Append)) stream.Write(new byte[Dimension * sizeof(float) * 3 / 2]);
        using var store = SqliteCatalogStore.Open(location, create: false);
        Assert.Equal(10, store.ReadAll(withVectors: true).Count());
        var added = Vectors(1, seed: 7)[0].Vector;
        store.Upsert([Item("new.jpg", added)]);
        Assert.Equal(committed + Dimension * sizeof(float), new FileInfo(file).Length);
        Assert.Equal(added, store.Find(ItemId.Parse("new.jpg"))!.Vector.ToArray());
    }

    public enum Damage { Magic, FormatVersion, DType, Dimension, HeaderChecksum, Truncated, Missing }

    [Theory]
    [InlineData(Damage.Magic, "not a Lookalike vector file")]
    [InlineData(Damage.FormatVersion, "newer than this build")]
    [InlineData(Damage.DType, "dtype 2")]
    [InlineData(Damage.Dimension, "holds 12-d vectors, but the store is 24-d")]
    [InlineData(Damage.HeaderChecksum, "damaged header")]
    [InlineData(Damage.Truncated, "truncated")]
    [InlineData(Damage.Missing, "missing")]
    public void ReadVectors_DamagedFile_IsStoreCorruptNamingTheFile(Damage damage, string expected)
    {
        string location = NewStore("s", 10);
        string file = Path.Combine(location, "vectors.f32");
        Corrupt(file, damage);
        using var store = SqliteCatalogStore.Open(location, create: false);
        Assert.Equal(10, store.ReadAll(withVectors: false).Count()); // metadata alone never touches the file
        var e = Assert.Throws<LookalikeException>(() => store.ReadAll(withVectors: true).ToList());
        Assert.Equal(LookalikeErrorKind.StoreCorrupt, e.Kind);
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        // A write never appends after a header it cannot trust.
        Assert.Throws<LookalikeException>(() => store.Upsert([Item("new.jpg", Vectors(1, 5)[0].Vector)]));
    }

    internal static void Corrupt(string file, Damage damage)
    {
        byte[] bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case Damage.Magic: bytes[0] = (byte)'X'; break;
            case Damage.FormatVersion: BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), 2); break;
            case Damage.DType: BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 2); break;
            case Damage.Dimension: BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 12); break;
            case Damage.HeaderChecksum: BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(24), 3); break; // count changed, checksum not
            case Damage.Truncated: bytes = bytes[..(bytes.Length - Dimension * sizeof(float) * 3 / 2)]; break;
            case Damage.Missing: File.Delete(file); return;
        }
        if (damage is not (Damage.HeaderChecksum or Damage.Truncated))
        {
            // Re-seal the header, so the check that fires is the one for this field, not the header checksum.
            uint crc = 0xFFFFFFFF;
            for (int i = 0; i < 36; i += 4) crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)));
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), ~crc);
        }
        File.WriteAllBytes(file, bytes);
    }

    [Fact]
    public void Open_VersionThreeBlobStore_MovesVectorsToTheFile_AnswersIdentical()
    {
        string location = _dir.Combine("legacy");
        var vectors = Vectors(600, seed: 4);
        LegacyStore.Create(location, version: 3, Model.Value, Dimension, vectors);
        long legacyBytes = new FileInfo(Path.Combine(location, "catalog.db")).Length;
        using var before = Index(vectors);

        using (var store = SqliteCatalogStore.Open(location, create: false))
        {
            var info = store.GetInfo();
            Assert.Equal(5, info.SchemaVersion);
            Assert.Equal(600, info.Items);
            var migrated = store.ReadAll(withVectors: true).ToList();
            Assert.Equal(vectors.Select(v => v.Id), migrated.Select(i => i.Id.Value));
            for (int i = 0; i < migrated.Count; i++) Assert.Equal(vectors[i].Vector, migrated[i].Vector.ToArray()); // bit for bit
            Assert.Equal("c", migrated[0].Metadata["class"]);
            using var after = Index(migrated.Select(i => (i.Id.Value, i.Vector.ToArray())).ToList());
            foreach (var (id, query) in vectors.Where((_, i) => i % 23 == 0))
            {
                var request = new SearchRequest(10, Exclude: ItemId.Parse(id));
                Assert.Equal(before.Search(query, request), after.Search(query, request));
            }
            // The store keeps working: a write appends after the migrated rows.
            store.Upsert([Item("added.jpg", Vectors(1, 8)[0].Vector)]);
            Assert.Equal(601, store.GetInfo().Items);
        }
        Assert.DoesNotContain("vector", LegacyStore.Columns(location, "items"));
        long databaseBytes = new FileInfo(Path.Combine(location, "catalog.db")).Length;
        long vectorBytes = new FileInfo(Path.Combine(location, "vectors.f32")).Length;
        Assert.Equal(HeaderBytes + 601L * Dimension * sizeof(float), vectorBytes);
        Assert.True(legacyBytes - databaseBytes >= 600L * Dimension * sizeof(float) * 8 / 10, $"catalog.db is {databaseBytes:N0} bytes after the move (was {legacyBytes:N0}): the BLOB pages were not given back");
    }

    [Fact]
    public void Open_VersionThreeStoreWithADamagedBlob_RefusesToMigrateAndNamesTheItem()
    {
        string location = _dir.Combine("legacy");
        var vectors = Vectors(5, seed: 4);
        vectors[2] = (vectors[2].Id, new float[3]);
        LegacyStore.Create(location, version: 3, Model.Value, Dimension, vectors);
        var e = Assert.Throws<LookalikeException>(() => SqliteCatalogStore.Open(location, create: false));
        Assert.Equal(LookalikeErrorKind.StoreCorrupt, e.Kind);
        Assert.Contains(vectors[2].Id, e.Message, StringComparison.Ordinal);
        SqliteConnection.ClearAllPools();
        Assert.Contains("vector", LegacyStore.Columns(location, "items")); // still v3, nothing lost
    }

    [Fact]
    public void OpenVectors_MapsTheFileInPlace_SearchEqualsTheStoredVectors()
    {
        string location = NewStore("s", 400);
        using var store = SqliteCatalogStore.Open(location, create: false);
        var replaced = Vectors(10, seed: 6);
        store.Upsert(replaced.Select((v, i) => Item($"item/{i * 3:D5}.jpg", v.Vector)).ToList()); // 10 dead rows
        store.Remove([ItemId.Parse("item/00001.jpg"), ItemId.Parse("item/00002.jpg")]);          // 2 more
        using var mapped = new MappedExactIndex(store.OpenVectors()!);
        var items = store.ReadAll(withVectors: true).ToList();
        using var oracle = Index(items.Select(i => (i.Id.Value, i.Vector.ToArray())).ToList());
        Assert.Equal(398, mapped.Count);
        foreach (var item in items.Where((_, i) => i % 31 == 0))
        {
            var request = new SearchRequest(10, Exclude: item.Id);
            Assert.Equal(oracle.Search(item.Vector.Span, request), mapped.Search(item.Vector.Span, request));
        }
        // The mapping is a snapshot: later writes append rows it does not see, and change none it does.
        store.Upsert([Item("late.jpg", Vectors(1, 9)[0].Vector)]);
        Assert.False(mapped.Contains(ItemId.Parse("late.jpg")));
        Assert.Equal(items[5].Vector.ToArray(), mapped.GetVector(items[5].Id));
    }

    [Fact]
    public void OpenVectors_EmptyStore_IsNull()
    {
        using var store = SqliteCatalogStore.Open(_dir.Combine("empty"), create: true);
        Assert.Null(store.OpenVectors());
    }

    private static ExactVectorIndex Index(IReadOnlyList<(string Id, float[] Vector)> vectors)
    {
        var index = new ExactVectorIndex(Dimension, vectors.Count);
        foreach (var (id, vector) in vectors) index.Upsert(ItemId.Parse(id), vector);
        return index;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
