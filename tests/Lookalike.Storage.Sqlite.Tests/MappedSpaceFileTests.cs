using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.TestKit;

namespace Lookalike.Storage.Sqlite.Tests;

/// <summary>
/// A learned space's rows kept beside the store (<see cref="Vectors.MappedSpaceFile"/>): the first open maps every row,
/// a later one only the rows written since, and every open gives each live item its own mapped vector. A file of another
/// key, of a superseded vector file, or one that fails its checks is never read; it is replaced.
/// </summary>
public sealed class MappedSpaceFileTests : IDisposable
{
    private const int Dimension = 16;
    private const int Mapped = 8;
    private readonly TempDirectory _dir = new();
    private int _rowsMapped;

    private static string Id(int i) => $"item/{i:D4}.jpg";

    private static List<CatalogItem> Items(int first, int count, int seed) =>
        SyntheticItems.Vectors(count, Dimension, clusters: 8, seed).Select((v, i) => SyntheticItems.Item(Id(first + i), v)).ToList();

    /// <summary>A stand-in for a learned projection: 16 values to 8 of unit length, <paramref name="scale"/> telling two maps apart.</summary>
    private static float[] Expected(ReadOnlySpan<float> raw, float scale = 2f)
    {
        var mapped = new float[Mapped];
        for (int i = 0; i < Mapped; i++) mapped[i] = scale * raw[i] + raw[i + Mapped];
        VectorMath.Normalize(mapped);
        return mapped;
    }

    private VectorRowMap Map(float scale = 2f) => (raw, count, mapped) =>
    {
        Interlocked.Add(ref _rowsMapped, count);
        for (int r = 0; r < count; r++)
            Expected(raw.Slice(r * Dimension, Dimension), scale).CopyTo(mapped.Slice(r * Mapped, Mapped));
    };

    private string NewStore(int items = 200)
    {
        string location = _dir.Combine("store");
        using var store = SqliteCatalogStore.Open(location, create: true);
        store.BindModel(SyntheticItems.Model, Dimension);
        store.Upsert(Items(0, items, seed: 1));
        return location;
    }

    /// <summary>Opens the mapped rows under <paramref name="key"/>, checks every live item against its raw vector mapped, and returns the rows the map was asked for.</summary>
    private int OpenAndCheck(string location, string key, float scale = 2f)
    {
        _rowsMapped = 0;
        using var store = SqliteCatalogStore.Open(location, create: false);
        var items = store.ReadAll(withVectors: true).ToList();
        using var index = new MappedExactIndex(store.OpenMappedVectors(key, Mapped, Map(scale))!);
        Assert.Equal(items.Count, index.Count);
        Assert.Equal(Mapped, index.Dimension);
        foreach (var item in items)
        {
            var expected = Expected(item.Vector.Span, scale);
            Assert.Equal(expected, index.GetVector(item.Id));
            Assert.Contains(index.Search(expected, new SearchRequest(3)), hit => hit.Id == item.Id);
        }
        return _rowsMapped;
    }

    private string[] LearnedFiles(string location) =>
        Directory.GetFiles(location, "learned-*").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void FirstOpen_MapsEveryRow_TheNextChecksOne_RowsWrittenSinceAreMappedThen()
    {
        string location = NewStore();
        Assert.Equal(200, OpenAndCheck(location, "v1-a"));
        Assert.Equal(1, OpenAndCheck(location, "v1-a"));   // the first row mapped again, as a check
        using (var store = SqliteCatalogStore.Open(location, create: false))
        {
            store.Upsert(Items(200, 5, seed: 2));
            store.Upsert(Items(7, 1, seed: 3));            // an item written again: a new row, the old one dead
            Assert.Equal(1, store.Remove([ItemId.Parse(Id(9))]));
        }
        Assert.Equal(1 + 6, OpenAndCheck(location, "v1-a"));
        Assert.Equal(1, OpenAndCheck(location, "v1-a"));
        Assert.Single(LearnedFiles(location));
    }

    [Fact]
    public void AnotherKey_MapsEveryRowAgain_AndRemovesTheOtherFile()
    {
        string location = NewStore();
        OpenAndCheck(location, "v1-a");
        string first = Assert.Single(LearnedFiles(location));
        Assert.Equal(200, OpenAndCheck(location, "v2-b", scale: 3f));
        Assert.NotEqual(first, Assert.Single(LearnedFiles(location)));
    }

    [Fact]
    public void FileThatFailsItsChecks_IsMappedAgain()
    {
        string location = NewStore();
        OpenAndCheck(location, "v1-a");
        string path = Path.Combine(location, Assert.Single(LearnedFiles(location)));

        // Other values under the same key (not this store's rows): the first row gives it away.
        OpenAndCheck(location, "v1-a", scale: 3f);
        Assert.Equal(1, OpenAndCheck(location, "v1-a", scale: 3f));

        // A damaged header.
        using (var file = File.OpenWrite(path)) file.Write(new byte[16]);
        Assert.Equal(200, OpenAndCheck(location, "v1-a", scale: 3f));

        // Cut short: the header counts more rows than the file holds.
        using (var file = File.OpenWrite(path)) file.SetLength(file.Length - 10);
        Assert.Equal(200, OpenAndCheck(location, "v1-a", scale: 3f));
        Assert.Equal(1, OpenAndCheck(location, "v1-a", scale: 3f));
    }

    [Fact]
    public void Compaction_MapsTheNewVectorFile_AndRemovesTheOldCopy()
    {
        string location = NewStore();
        OpenAndCheck(location, "v1-a");
        string before = Assert.Single(LearnedFiles(location));
        using (var store = SqliteCatalogStore.Open(location, create: false))
        {
            Assert.Equal(100, store.Remove(Enumerable.Range(0, 100).Select(i => ItemId.Parse(Id(i))).ToList()));
            Assert.NotNull(store.CompactVectors());
        }
        Assert.Equal(100, OpenAndCheck(location, "v1-a"));
        string after = Assert.Single(LearnedFiles(location));
        Assert.NotEqual(before, after);
        Assert.EndsWith(".vectors.1.f32", after);
    }

    public void Dispose() => _dir.Dispose();
}
