using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Search;
using Lookalike.TestKit;

namespace Lookalike.Storage.Sqlite.Tests;

/// <summary>
/// Compaction of the vector file: a re-embedded or removed item leaves a dead row behind, and <c>CompactVectors</c>
/// rewrites the live rows into the next file (<c>vectors.1.f32</c>…) and switches to it in one commit. Real SQLite files,
/// real mapped vector files; answers are compared bit for bit before and after.
/// </summary>
public sealed class VectorCompactionTests : IDisposable
{
    private const int Dimension = 32;
    private const int RowBytes = Dimension * sizeof(float);
    private const int HeaderBytes = 64;
    private readonly TempDirectory _dir = new();

    private static List<CatalogItem> Items(int n, int seed, int from = 0)
    {
        var vectors = SyntheticItems.Vectors(n, Dimension, clusters: 12, seed: seed);
        return Enumerable.Range(0, n).Select(i => SyntheticItems.Item($"item/{from + i:D5}.jpg", vectors[i])).ToList();
    }

    /// <summary>A store of <paramref name="n"/> items indexed twice (every item re-embedded): half its rows are dead.</summary>
    private string ReindexedStore(string name, int n)
    {
        string location = _dir.Combine(name);
        using var store = SqliteCatalogStore.Open(location, create: true);
        store.BindModel(SyntheticItems.Model, Dimension);
        store.Upsert(Items(n, seed: 1));
        store.Upsert(Items(n, seed: 2)); // another embedding of the same items: the first n rows are dead now
        return location;
    }

    private static List<(string Id, float Score)[]> Answers(SqliteCatalogStore store, IReadOnlyList<float[]> queries)
    {
        using var index = new MappedExactIndex(store.OpenVectors()!);
        return queries.Select(q => index.Search(q, new SearchRequest(10)).Select(h => (h.Id.Value, h.Score)).ToArray()).ToList();
    }

    private static float[][] Queries(int n) => SyntheticItems.Vectors(n, Dimension, clusters: 12, seed: 99);

    private static string[] VectorFiles(string location) =>
        Directory.GetFiles(location, "vectors*.f32").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void Compact_AfterReindex_FileBackToRawSize_AnswersAndVectorsIdentical_VerifyHealthy()
    {
        const int n = 3000;
        string location = ReindexedStore("s", n);
        var queries = Queries(40);
        using var store = SqliteCatalogStore.Open(location, create: false);
        var usage = store.GetVectorUsage()!;
        Assert.Equal((2L * n, (long)n, (long)n), (usage.Rows, usage.LiveRows, usage.DeadRows));
        Assert.Equal(HeaderBytes + 2L * n * RowBytes, usage.FileBytes);
        Assert.True(usage.FileBytes > 1.9 * usage.LiveBytes, "re-indexing doubles the file");
        var answersBefore = Answers(store, queries);
        var vectorsBefore = store.ReadAll(withVectors: true).ToDictionary(i => i.Id, i => i.Vector.ToArray());
        long generation = store.GetInfo().Generation;

        var reports = new List<(long Done, long Total)>();
        var result = store.CompactVectors(new SyncProgress(reports));

        Assert.NotNull(result);
        Assert.Equal(("vectors.f32", "vectors.1.f32"), (result.From.File, result.To.File));
        Assert.Equal(n, result.To.Rows);
        Assert.Equal(((long)n, (long)n), reports[^1]);
        Assert.Equal(["vectors.1.f32"], VectorFiles(location)); // the old file is gone
        var after = store.GetVectorUsage()!;
        Assert.Equal((n, n, 0L), ((int)after.Rows, (int)after.LiveRows, after.DeadRows));
        Assert.Equal(HeaderBytes + (long)n * RowBytes, after.FileBytes);
        Assert.True(after.FileBytes <= 1.15 * after.LiveBytes, $"{after.FileBytes} bytes for {after.LiveBytes} raw");
        Assert.Equal(generation, store.GetInfo().Generation); // same items, same vectors: caches keyed by generation stay current

        Assert.Equal(answersBefore, Answers(store, queries));
        foreach (var item in store.ReadAll(withVectors: true)) Assert.Equal(vectorsBefore[item.Id], item.Vector.ToArray());
        Assert.Equal(vectorsBefore[ItemId.Parse("item/00007.jpg")], store.Find(ItemId.Parse("item/00007.jpg"))!.Vector.ToArray());
        var report = new SqliteStoreCheck().Check(location);
        Assert.True(report.Findings.All(f => f.Severity != Core.Catalog.VerifySeverity.Error), string.Join("\n", report.Findings));
        Assert.DoesNotContain(report.Findings, f => f.Check == "vector-file");

        // A second compaction has nothing to drop; the next write appends to the new file.
        Assert.Null(store.CompactVectors());
        store.Upsert(Items(1, seed: 5, from: n));
        Assert.Equal(n + 1, store.GetVectorUsage()!.Rows);
        Assert.Equal(["vectors.1.f32"], VectorFiles(location));
    }

    [Fact]
    public void Compact_AfterRemovals_ReopenedStoreHasTheSurvivorsOnly()
    {
        string location = _dir.Combine("r");
        var items = Items(500, seed: 3);
        using (var store = SqliteCatalogStore.Open(location, create: true))
        {
            store.BindModel(SyntheticItems.Model, Dimension);
            store.Upsert(items);
            Assert.Equal(250, store.Remove(items.Where((_, i) => i % 2 == 0).Select(i => i.Id).ToList()));
            var result = store.CompactVectors()!;
            Assert.Equal((500L, 250L), (result.From.Rows, result.To.Rows));
        }
        using var reopened = SqliteCatalogStore.Open(location, create: false);
        var survivors = items.Where((_, i) => i % 2 == 1).ToDictionary(i => i.Id, i => i.Vector.ToArray());
        var read = reopened.ReadAll(withVectors: true).ToList();
        Assert.Equal(survivors.Keys.Order(ItemId.Ordinal), read.Select(i => i.Id));
        foreach (var item in read) Assert.Equal(survivors[item.Id], item.Vector.ToArray());
        using var stored = reopened.OpenVectors()!;
        Assert.Equal((250, 250), (stored.Ids.Count, stored.Ids.LiveCount));
        Assert.True(((Vectors.SqliteRowIds)stored.Ids).FromFile, "the compaction writes the row-id file of the new layout");
        foreach (var (id, vector) in survivors)
        {
            Assert.True(stored.Ids.TryGetRow(id, out int row));
            Assert.True(stored.Ids.TryGetId(row, out var back));
            Assert.Equal(id, back);
            Assert.Equal(vector, stored.Rows.Rows(row, 1).ToArray());
        }
    }

    [Fact]
    public void ReaderOpenedBeforeCompaction_KeepsAnsweringFromItsMapping_AndFollowsTheSwitch()
    {
        const int n = 2000;
        string location = ReindexedStore("shared", n);
        var queries = Queries(30);
        using var reader = SqliteCatalogStore.Open(location, create: false); // a running `serve`
        using var index = new MappedExactIndex(reader.OpenVectors()!);
        var answersBefore = queries.Select(q => index.Search(q, new SearchRequest(10))).ToList();
        var probe = ItemId.Parse("item/01234.jpg");
        var probeVector = reader.Find(probe)!.Vector.ToArray(); // the reader has the old file mapped for item reads too

        using (var writer = SqliteCatalogStore.Open(location, create: false)) // `lookalike compact` in another process
        {
            Assert.NotNull(writer.CompactVectors());
            writer.Upsert(Items(5, seed: 7, from: n)); // rows 2000..2004 of the new file: inside the old file's 4000
        }
        Assert.DoesNotContain("vectors.f32", VectorFiles(location)); // unlinked under the reader's mapping

        for (int i = 0; i < queries.Length; i++) Assert.Equal(answersBefore[i], index.Search(queries[i], new SearchRequest(10)));
        // Item reads follow the switch: the same vector for an old item, and the right one (not the old file's row) for a new one.
        Assert.Equal(probeVector, reader.Find(probe)!.Vector.ToArray());
        var added = Items(5, seed: 7, from: n);
        foreach (var item in added) Assert.Equal(item.Vector.ToArray(), reader.Find(item.Id)!.Vector.ToArray());
        Assert.Equal(n + 5, reader.ReadAll(withVectors: true).Count());
        using var reopened = new MappedExactIndex(reader.OpenVectors()!);
        Assert.Equal(added[3].Id, reopened.Search(added[3].Vector.Span, new SearchRequest(1))[0].Id);
    }

    [Fact]
    public void LeftoverOfAnInterruptedCompaction_IsIgnored_ReportedByVerify_RemovedByTheNextWrite()
    {
        string location = ReindexedStore("left", 400);
        // A compaction killed before its commit leaves the next file half-written and named by nothing.
        File.WriteAllBytes(Path.Combine(location, "vectors.1.f32"), new byte[12_345]);
        var notes = new SqliteStoreCheck().Check(location).Findings.Where(f => f.Check == "vector-file").ToList();
        var note = Assert.Single(notes);
        Assert.Equal(Core.Catalog.VerifySeverity.Note, note.Severity);
        Assert.Contains("vectors.1.f32", note.Problem, StringComparison.Ordinal);

        using var store = SqliteCatalogStore.Open(location, create: false);
        Assert.Equal(400, store.ReadAll(withVectors: true).Count());
        store.Upsert(Items(1, seed: 8, from: 400));
        Assert.Equal(["vectors.f32"], VectorFiles(location));
        Assert.Equal("vectors.1.f32", store.CompactVectors()!.To.File);
        Assert.Equal(401, store.ReadAll(withVectors: true).Count());
    }

    [Fact]
    public void StoreNamingAnotherVectorFile_ReadsThatFile_AndVerifyRejectsANameThatIsNoVectorFile()
    {
        string location = ReindexedStore("named", 100);
        using (var connection = CatalogDatabase.Connect(location))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM store_meta WHERE key = 'vector_file';";
            Assert.Equal("vectors.f32", command.ExecuteScalar()); // migration 005 names the file a v4 store has
            command.CommandText = "UPDATE store_meta SET value = '../elsewhere.f32' WHERE key = 'vector_file';";
            command.ExecuteNonQuery();
        }
        var finding = Assert.Single(new SqliteStoreCheck().Check(location).Findings, f => f.Check == "vector-file");
        Assert.Equal(Core.Catalog.VerifySeverity.Error, finding.Severity);
        using var store = SqliteCatalogStore.Open(location, create: false);
        var e = Assert.Throws<Core.Errors.LookalikeException>(() => store.Find(ItemId.Parse("item/00001.jpg")));
        Assert.Contains("../elsewhere.f32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void VersionFourStore_MigratesToFive_NamingItsFile_ThenCompacts()
    {
        string location = ReindexedStore("v4", 300);
        using (var connection = CatalogDatabase.Connect(location))
        {
            // What a store written by the build before compaction looks like: schema 4, no vector_file key.
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM store_meta WHERE key = 'vector_file'; PRAGMA user_version = 4;";
            command.ExecuteNonQuery();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        using var store = SqliteCatalogStore.Open(location, create: false);
        Assert.Equal(5, store.GetInfo().SchemaVersion);
        using (var connection = CatalogDatabase.Connect(location))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT value FROM store_meta WHERE key = 'vector_file';";
            Assert.Equal("vectors.f32", command.ExecuteScalar());
        }
        var vectors = store.ReadAll(withVectors: true).ToDictionary(i => i.Id, i => i.Vector.ToArray());
        Assert.Equal(300, store.CompactVectors()!.To.Rows);
        foreach (var item in store.ReadAll(withVectors: true)) Assert.Equal(vectors[item.Id], item.Vector.ToArray());
    }

    [Fact]
    public void WritesDuringTheCopy_GoThrough_AndAreKept_AnotherCompactionIsRefused()
    {
        const int n = 3000;
        string location = ReindexedStore("during", n);
        using var store = SqliteCatalogStore.Open(location, create: false);
        using var writer = SqliteCatalogStore.Open(location, create: false); // `index` in another process
        var expected = store.ReadAll(withVectors: true).ToDictionary(i => i.Id, i => i.Vector.ToArray());
        var changed = Items(10, seed: 11);        // item/00000…00009 re-embedded
        var added = Items(5, seed: 12, from: n);  // five new items
        ItemId[] removed = [ItemId.Parse("item/00100.jpg"), ItemId.Parse("item/00101.jpg")];
        LookalikeException? refused = null;
        bool wrote = false;

        var result = store.CompactVectors(new ActionProgress(report =>
        {
            if (wrote || report.Done == 0) return;
            wrote = true;
            // Mid-copy, from another store object: each write takes the write lock a compaction used to hold to the end.
            writer.Upsert(changed);
            writer.Upsert(added);
            Assert.Equal(2, writer.Remove(removed));
            refused = Assert.Throws<LookalikeException>(() => writer.CompactVectors());
        }));

        Assert.True(wrote, "the copy reported progress");
        Assert.Equal(LookalikeErrorKind.StoreUnavailable, refused!.Kind);
        Assert.Contains("another compaction", refused.Message, StringComparison.Ordinal);
        // The snapshot's n rows, then the 15 rows written during the copy; the 12 copied rows those writes replaced are dead.
        Assert.NotNull(result);
        Assert.Equal((n + 15L, n + 3L), (result.To.Rows, result.To.LiveRows));
        Assert.Equal(["vectors.1.f32"], VectorFiles(location));
        Assert.True(result.WritesHeld < result.Elapsed, $"held {result.WritesHeld} of {result.Elapsed}"); // the copy ran unlocked

        foreach (var item in changed.Concat(added)) expected[item.Id] = item.Vector.ToArray();
        foreach (var id in removed) expected.Remove(id);
        foreach (var reader in new[] { store, writer })
        {
            var read = reader.ReadAll(withVectors: true).ToDictionary(i => i.Id, i => i.Vector.ToArray());
            Assert.Equal(expected.Keys.Order(ItemId.Ordinal), read.Keys.Order(ItemId.Ordinal));
            foreach (var (id, vector) in expected) Assert.Equal(vector, read[id]);
        }
        using (var index = new MappedExactIndex(store.OpenVectors()!))
        {
            Assert.Equal(n + 3, index.Count);
            Assert.Equal(added[2].Id, index.Search(added[2].Vector.Span, new SearchRequest(1))[0].Id);
            Assert.Equal(changed[4].Id, index.Search(changed[4].Vector.Span, new SearchRequest(1))[0].Id);
        }
        var report = new SqliteStoreCheck().Check(location);
        Assert.True(report.Findings.All(f => f.Severity != Core.Catalog.VerifySeverity.Error), string.Join("\n", report.Findings));

        var again = store.CompactVectors()!; // the dead rows the writes left are the next compaction's
        Assert.Equal((n + 3L, n + 3L), (again.To.Rows, again.To.LiveRows));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>Runs an action on each report, on the reporting thread.</summary>
    private sealed class ActionProgress(Action<(long Done, long Total)> action) : IProgress<(long Done, long Total)>
    {
        public void Report((long Done, long Total) value) => action(value);
    }

    /// <summary>Records reports on the reporting thread (<see cref="Progress{T}"/> would post them later).</summary>
    private sealed class SyncProgress(List<(long, long)> reports) : IProgress<(long Done, long Total)>
    {
        public void Report((long Done, long Total) value) => reports.Add(value);
    }
}
