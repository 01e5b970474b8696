using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Core.Recommendations;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Microsoft.Data.Sqlite;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Storage.Sqlite.Tests;

/// <summary>The feedback table in a real SQLite file in a temp folder.</summary>
public class SqliteFeedbackStoreTests
{
    private static SqliteFeedbackStore Create(TempDirectory dir)
    {
        SqliteCatalogStore.Open(dir.Path, create: true).Dispose();
        return SqliteFeedbackStore.Open(dir.Path);
    }

    [Fact]
    public void Add_ThenRead_RoundTripsEveryKind()
    {
        using var dir = new TempDirectory();
        using var store = Create(dir);
        var ann = U("ann");
        var events = new List<FeedbackEvent>
        {
            FeedbackEvent.Rating(ann, I("a.jpg"), 4.5, Day(0)),
            FeedbackEvent.Like(ann, I("b.jpg"), Day(1)),
            FeedbackEvent.Dislike(ann, I("c.jpg"), Day(2)),
            FeedbackEvent.Purchase(ann, I("d/e.jpg"), Day(3)),
            FeedbackEvent.View(ann, I("a.jpg"), Day(4)),
            FeedbackEvent.Prefer(ann, I("a.jpg"), I("b.jpg"), Day(5)),
            FeedbackEvent.Favorite(ann, I("b.jpg"), Day(6), "summer"),
            FeedbackEvent.SearchClick(ann, "uploads/shoe.jpg", I("c.jpg"), Day(7)),
        };
        events.AddRange(FeedbackEvent.Ranking(ann, [I("c.jpg"), I("a.jpg")], Day(8), "r1"));
        Assert.Equal(10, store.Add(events));
        var read = store.Read().ToList();
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), read.Select(e => e.Sequence));
        Assert.Equal(events, read.Select(e => e with { Sequence = 0 }));
        Assert.Equal(10, store.LastSequence);
        Assert.Equal(read.Skip(7), store.Read(afterSequence: 7));
        Assert.Equal(10, store.ReadUser(ann).Count);
        Assert.Empty(store.ReadUser(U("bob")));
    }

    [Fact]
    public void Add_SameSourceTwice_IsStoredOnce()
    {
        using var dir = new TempDirectory();
        using var store = Create(dir);
        var e = FeedbackEvent.Purchase(U("ann"), I("a.jpg"), Day(0)) with { Source = "t.csv:2" };
        Assert.Equal(2, store.Add([e, FeedbackEvent.Purchase(U("ann"), I("a.jpg"), Day(0))]));
        Assert.Equal(1, store.Add([e, FeedbackEvent.Purchase(U("ann"), I("a.jpg"), Day(0))])); // the sourced one is skipped, the unsourced one is a new event
        Assert.Equal(3, store.GetStats().Events);
    }

    [Fact]
    public void Add_InvalidEvent_IsRejectedAndNothingStored()
    {
        using var dir = new TempDirectory();
        using var store = Create(dir);
        var bad = new FeedbackEvent { User = U("ann"), Kind = FeedbackKind.Rating, Item = I("a.jpg"), Value = 9, Time = Day(0) };
        var e = Assert.Throws<LookalikeException>(() => store.Add([FeedbackEvent.Like(U("ann"), I("a.jpg"), Day(0)), bad]));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(0, store.GetStats().Events);
    }

    [Fact]
    public void Stats_And_RemoveUser()
    {
        using var dir = new TempDirectory();
        using var store = Create(dir);
        store.Add([Buy(1, 1, 0), Buy(1, 2, 1), Buy(2, 1, 2), FeedbackEvent.Like(U(2), I(3), Day(3))]);
        var stats = store.GetStats();
        Assert.Equal(4, stats.Events);
        Assert.Equal(2, stats.Users);
        Assert.Equal(3, stats.Items);
        Assert.Equal(3, stats.ByKind["purchase"]);
        Assert.Equal(Day(0), stats.First);
        Assert.Equal(Day(3), stats.Last);
        Assert.Equal(2, store.RemoveUser(U(2)));
        Assert.Equal(2, store.GetStats().Events);
    }

    [Fact]
    public void HybridWeights_SaveAndLoad()
    {
        using var dir = new TempDirectory();
        using var store = Create(dir);
        Assert.Null(store.LoadHybridWeights());
        var weights = new HybridWeights(0.4, 0.1, 0.2, 0.2, visualKnn: 0.1) { Origin = "tuned on 12 users", ValidationScore = 0.0123, TunedAt = Day(5) };
        store.SaveHybridWeights(weights);
        using var reopened = SqliteFeedbackStore.Open(dir.Path);
        var loaded = reopened.LoadHybridWeights()!;
        Assert.Equal(weights.ToString(), loaded.ToString());
        Assert.Equal("tuned on 12 users", loaded.Origin);
        Assert.Equal(0.0123, loaded.ValidationScore);
        Assert.Equal(Day(5), loaded.TunedAt);
    }

    [Fact]
    public void Open_VersionOneStore_IsMigratedAndKeepsItems()
    {
        using var dir = new TempDirectory();
        // A v1 store as builds of that time wrote it: 001_initial only, the vector in a BLOB.
        LegacyStore.Create(dir.Path, version: 1, "m@00000000", 2, [("a.jpg", [1, 0])]);
        using var store = SqliteFeedbackStore.Open(dir.Path);
        Assert.Equal(1, store.Add([FeedbackEvent.Like(U("ann"), I("a.jpg"), Day(0))]));
        using var reopened = SqliteCatalogStore.Open(dir.Path, create: false);
        Assert.Equal(5, reopened.GetInfo().SchemaVersion); // every migration ran: 002_feedback, 003_projection, 004_vector_files, 005_vector_file_name
        Assert.Equal(new float[] { 1, 0 }, reopened.Find(I("a.jpg"))!.Vector.ToArray());
    }

    [SkippableFact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Open_ReadOnlyFolder_ReadsButRefusesWrites()
    {
        Require.That(OperatingSystem.IsLinux(), "Unix file modes and setfsuid");
        using var dir = new TempDirectory();
        using (var store = Create(dir)) store.Add([FeedbackEvent.Like(U("ann"), I("a.jpg"), Day(0))]);
        SqliteConnection.ClearAllPools();
        // Root ignores file modes: as root (CI) the store is given to nobody, and opened as nobody on this thread.
        bool root = Environment.UserName == "root";
        if (root) Privileges.GiveTo(dir.Path);
        foreach (string file in Directory.GetFiles(dir.Path)) File.SetUnixFileMode(file, UnixFileMode.UserRead);
        File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            void ReadButRefuseWrites()
            {
                using var readOnly = SqliteFeedbackStore.Open(dir.Path);
                Assert.Single(readOnly.Read());
                var e = Assert.Throws<LookalikeException>(() => readOnly.Add([FeedbackEvent.Like(U("bob"), I("a.jpg"), Day(1))]));
                Assert.Equal(LookalikeErrorKind.StoreUnavailable, e.Kind);
                SqliteConnection.ClearAllPools();
            }
            if (root) Privileges.AsUser(ReadButRefuseWrites);
            else ReadButRefuseWrites();
        }
        finally
        {
            File.SetUnixFileMode(dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Open_NoStore_IsNotFound()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<LookalikeException>(() => SqliteFeedbackStore.Open(dir.Combine("none")));
        Assert.Equal(LookalikeErrorKind.NotFound, e.Kind);
    }
}
