using Lookalike.Core.Catalog;
using Lookalike.Core.Search;
using Lookalike.Core.Vectors;
using Lookalike.Storage.Sqlite.Vectors;
using Lookalike.TestKit;
using Microsoft.Data.Sqlite;

namespace Lookalike.Storage.Sqlite.Tests;

/// <summary>
/// The row ↔ id map an index over the mapped vector file opens with (<see cref="SqliteRowIds"/>: live rows and id
/// hashes, ids decoded on demand): after updates, deletes, re-adds and a reopen every row still answers with its own
/// item, and rows another writer changed after the snapshot are skipped, never given another item's id.
/// </summary>
public sealed class MappedRowIdsTests : IDisposable
{
    private const int Dimension = 24;
    private static readonly ModelId Model = SyntheticItems.Model;
    private readonly TempDirectory _dir = new();

    private static float[][] Vectors(int n, int seed) => SyntheticItems.Vectors(n, Dimension, clusters: 16, seed);

    private static string Id(int i) => $"item/{i:D5}.jpg";

    private static CatalogItem Item(string id, float[] vector) => SyntheticItems.Item(id, vector);

    /// <summary>300 items; 40 given new vectors (their rows move), 30 removed, 10 of those added back with new vectors; then reopened.</summary>
    private string EditedStore()
    {
        string location = _dir.Combine("s");
        using var store = SqliteCatalogStore.Open(location, create: true);
        store.BindModel(Model, Dimension);
        var first = Vectors(300, seed: 1);
        store.Upsert(first.Select((v, i) => Item(Id(i), v)).ToList());
        var moved = Vectors(40, seed: 2);
        store.Upsert(moved.Select((v, i) => Item(Id(i * 7), v)).ToList());
        store.Remove(Enumerable.Range(0, 30).Select(i => ItemId.Parse(Id(i * 5 + 1))).ToList());
        var back = Vectors(10, seed: 3);
        store.Upsert(back.Select((v, i) => Item(Id(i * 15 + 1), v)).ToList());
        return location;
    }

    private static ExactVectorIndex Oracle(IEnumerable<CatalogItem> items)
    {
        var index = new ExactVectorIndex(Dimension);
        foreach (var item in items) index.Upsert(item.Id, item.Vector.Span);
        return index;
    }

    [Fact]
    public void Reopened_AfterUpdatesDeletesAndReAdds_EveryIdMapsToItsOwnVector()
    {
        string location = EditedStore();
        using var store = SqliteCatalogStore.Open(location, create: false);
        var items = store.ReadAll(withVectors: true).ToList();
        Assert.Equal(280, items.Count);
        using var index = new MappedExactIndex(store.OpenVectors()!);
        using var oracle = Oracle(items);

        Assert.Equal(items.Count, index.Count);
        foreach (var item in items)
        {
            Assert.True(index.Contains(item.Id));
            Assert.Equal(item.Vector.ToArray(), index.GetVector(item.Id));
            // A unit vector's best match is itself: a row mapped to the wrong id would answer with another item.
            var best = Assert.Single(index.Search(item.Vector.Span, new SearchRequest(1)));
            Assert.Equal(item.Id, best.Id);
            var request = new SearchRequest(10, Exclude: item.Id);
            Assert.Equal(oracle.Search(item.Vector.Span, request), index.Search(item.Vector.Span, request));
        }
        foreach (int i in Enumerable.Range(0, 30).Where(i => i % 3 != 0)) // removed and not added back
        {
            var gone = ItemId.Parse(Id(i * 5 + 1));
            Assert.False(index.Contains(gone));
            Assert.Null(index.GetVector(gone));
        }
    }

    [Fact]
    public void FilteredSearch_DecodingPastTheBulkThreshold_EqualsTheOracle()
    {
        string location = EditedStore();
        using var store = SqliteCatalogStore.Open(location, create: false);
        var items = store.ReadAll(withVectors: true).ToList();
        var stored = store.OpenVectors()!;
        var ids = Assert.IsType<SqliteRowIds>(stored.Ids);
        ids.BulkAfter = 16; // a selective filter decodes many rows; past this, all at once
        using var index = new MappedExactIndex(stored);
        using var oracle = Oracle(items);
        Func<ItemId, bool> filter = id => id.Value.EndsWith("3.jpg", StringComparison.Ordinal) || id.Value.EndsWith("1.jpg", StringComparison.Ordinal);
        foreach (var item in items.Where((_, i) => i % 9 == 0))
        {
            var request = new SearchRequest(10, Exclude: item.Id, Filter: filter);
            var hits = index.Search(item.Vector.Span, request);
            Assert.Equal(oracle.Search(item.Vector.Span, request), hits);
            Assert.All(hits, h => Assert.True(filter(h.Id)));
        }
    }

    [Fact]
    public void InProcessEdits_KeepCountContainsAndSearchExact()
    {
        string location = EditedStore();
        using var store = SqliteCatalogStore.Open(location, create: false);
        using var index = new MappedExactIndex(store.OpenVectors()!);
        int count = index.Count;
        var removed = ItemId.Parse(Id(2));
        var changed = ItemId.Parse(Id(3));
        var oldVector = index.GetVector(changed)!;
        var newVector = Vectors(1, seed: 4)[0];

        // As CatalogEditor does: the store first, then the index.
        store.Remove([removed]);
        Assert.True(index.Remove(removed));
        store.Upsert([Item(changed.Value, newVector)]);
        index.Upsert(changed, newVector);

        Assert.Equal(count - 1, index.Count);
        Assert.False(index.Contains(removed));
        Assert.False(index.Remove(removed));
        Assert.Equal(newVector, index.GetVector(changed));
        Assert.Equal(changed, index.Search(newVector, new SearchRequest(1))[0].Id);
        // The item's old row is retired: its old vector no longer scores 1 under its id.
        var hit = index.Search(oldVector, new SearchRequest(count)).Single(h => h.Id == changed);
        Assert.Equal(VectorMath.Dot(oldVector, newVector), hit.Score, 5);
        using var oracle = Oracle(store.ReadAll(withVectors: true));
        Assert.Equal(oracle.Search(oldVector, new SearchRequest(10)), index.Search(oldVector, new SearchRequest(10)));
    }

    [Fact]
    public void AnotherWriterAfterTheSnapshot_RowsItChangedAreSkipped_NeverGivenAnotherId()
    {
        string location = EditedStore();
        using var store = SqliteCatalogStore.Open(location, create: false);
        using var index = new MappedExactIndex(store.OpenVectors()!);
        int count = index.Count;
        // The item with the largest rowid: SQLite gives its rowid to the next insert once it is deleted.
        var (last, lastRowid) = LastRowid(location);
        var lastVector = index.GetVector(last)!;
        var kept = ItemId.Parse(Id(4));
        var keptVector = index.GetVector(kept)!;

        using (var other = SqliteCatalogStore.Open(location, create: false))
        {
            other.Remove([last]);
            other.Upsert([Item("newcomer.jpg", lastVector)]);      // takes the deleted item's rowid
            other.Upsert([Item(kept.Value, Vectors(1, seed: 5)[0])]); // moves to a new row, same rowid
        }
        Assert.Equal(lastRowid, RowidOf(location, "newcomer.jpg"));

        // The deleted item's row is skipped: neither its old id nor the id now at its rowid is returned for it.
        var hits = index.Search(lastVector, new SearchRequest(10));
        Assert.DoesNotContain(hits, h => h.Id == last || h.Id.Value == "newcomer.jpg");
        Assert.Equal(10, hits.Count);
        // A row whose item was rewritten elsewhere still is that item's snapshot vector, under its own id.
        var top = index.Search(keptVector, new SearchRequest(1))[0];
        Assert.Equal(kept, top.Id);
        // The index holds its snapshot until told (CatalogEditor.Reload): the deleted item is still counted, then removed.
        Assert.Equal(count, index.Count);
        Assert.True(index.Contains(last));
        Assert.True(index.Remove(last));
        Assert.Equal(count - 1, index.Count);
    }

    private static (ItemId Id, long Rowid) LastRowid(string location) => CatalogDatabase.LastRowid(location);

    private static long RowidOf(string location, string id) => CatalogDatabase.RowidOf(location, id);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
