using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;
using Lookalike.Hosting.Evaluation;
using Lookalike.Hosting.Learning;
using Lookalike.Hosting.Query;
using Lookalike.Hosting.Search;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Hosting.Tests.Learning;

/// <summary>
/// <c>lookalike learn</c> on the real sample catalog (250 photos, 10 classes, embedded by the real model): learning on
/// half improves the other half; the projection is stored, applied to items added later, keyed into the HNSW cache,
/// and dropped; every unusable input names its cause and leaves the previous state.
/// </summary>
[Collection(IndexedSamplesCollection.Name)]
public sealed class StoreLearningTests(IndexedSamplesFixture fixture, ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    /// <summary>A store of imported vectors (no image files) holding the samples' vectors and labels.</summary>
    private SqliteCatalogStore ImportedCopy(Func<CatalogItem, bool>? keep = null, Func<CatalogItem, CatalogItem>? change = null)
    {
        var store = SqliteCatalogStore.Open(_dir.Combine("store-" + Guid.NewGuid().ToString("N")[..8]), create: true);
        var items = fixture.Store.ReadAll(withVectors: true).Where(keep ?? (_ => true)).Select(i => (change ?? (x => x))(i with { Path = "" })).ToList();
        store.BindModel(items[0].Model, items[0].Vector.Length);
        store.Upsert(items);
        return store;
    }

    private static MetricHeadOptions Quick => new() { Epochs = 10, BatchSize = 32, Hidden = 256 };

    [Theory]
    [InlineData(ProjectionMethod.Head)]
    [InlineData(ProjectionMethod.Lda)]
    public void Holdout_LearnOnHalfOfSamples_HeldOutMapImproves(ProjectionMethod method)
    {
        var items = fixture.Store.ReadAll(withVectors: true).ToList();
        var report = HoldoutEvaluator.Run(items, "class", new RetrievalOptions(), new HoldoutOptions(0.5, 1, HoldoutSplit.Item, method, Quick));
        output.WriteLine($"{method}: raw mAP@10 {report.Raw.Overall.Map:0.0000} → learned {report.Learned.Overall.Map:0.0000} ({report.LearnItems} learn, {report.HeldOutItems} held out)");
        Assert.Equal(125, report.HeldOutItems);
        Assert.Equal(125, report.LearnItems);
        Assert.Equal(report.Raw.Overall.Queries, report.Learned.Overall.Queries);
        Assert.True(report.Learned.Overall.Map > report.Raw.Overall.Map, $"learned {report.Learned.Overall.Map} ≤ raw {report.Raw.Overall.Map}");
    }

    /// <summary>The shipped defaults (no test-sized options): known classes gain, categories never seen stay within 2% of raw.</summary>
    [Fact]
    public void Holdout_DefaultHead_SeenClassesImprove_UnseenClassesWithinTwoPercent()
    {
        var items = fixture.Store.ReadAll(withVectors: true).ToList();
        var seen = HoldoutEvaluator.Run(items, "class", new RetrievalOptions(), new HoldoutOptions(0.5, 1, HoldoutSplit.Item, ProjectionLearner.DefaultMethod));
        var unseen = HoldoutEvaluator.Run(items, "class", new RetrievalOptions(), new HoldoutOptions(0.5, 1, HoldoutSplit.Class, ProjectionLearner.DefaultMethod));
        output.WriteLine($"seen: raw {seen.Raw.Overall.Map:0.0000} → {seen.Learned.Overall.Map:0.0000}; unseen: raw {unseen.Raw.Overall.Map:0.0000} → {unseen.Learned.Overall.Map:0.0000}");
        Assert.True(seen.Learned.Overall.Map > 1.05 * seen.Raw.Overall.Map, $"seen classes: learned {seen.Learned.Overall.Map:0.0000} vs raw {seen.Raw.Overall.Map:0.0000}");
        Assert.True(unseen.Learned.Overall.Map >= 0.98 * unseen.Raw.Overall.Map, $"unseen classes: learned {unseen.Learned.Overall.Map:0.0000} vs raw {unseen.Raw.Overall.Map:0.0000}");
    }

    [Fact]
    public void Holdout_ByClass_HeldOutClassesNeverLearn()
    {
        var items = fixture.Store.ReadAll(withVectors: true).ToList();
        var options = new HoldoutOptions(0.5, 1, HoldoutSplit.Class, ProjectionMethod.Head, Quick);
        var (learn, heldOut) = HoldoutEvaluator.Split(items, "class", options);
        Assert.Empty(learn.Select(i => i.Metadata["class"]).Intersect(heldOut.Select(i => i.Metadata["class"])));
        Assert.Equal(250, learn.Count + heldOut.Count);
        var again = HoldoutEvaluator.Split(items, "class", options);
        Assert.Equal(heldOut.Select(i => i.Id), again.HeldOut.Select(i => i.Id));
    }

    [Fact]
    public void Learn_ImportedVectors_StoredAppliedToNewItemKeyedIntoCacheAndDropped()
    {
        var newcomer = fixture.Store.ReadAll(withVectors: true).First(i => i.Metadata["class"] == "shoes");
        using var store = ImportedCopy(keep: i => i.Id != newcomer.Id);
        var outcome = StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Filter = ItemFilter.Parse(["class=shoes", "class=dress", "class=pants", "class=hat"]), Head = Quick });
        var stored = store.GetProjection();
        Assert.NotNull(stored);
        Assert.Equal(outcome.Stored.Key, stored.Key);
        Assert.Equal("head", stored.Descriptor.Method);
        Assert.Equal("labels", stored.Descriptor.Source);
        Assert.Equal("class", stored.Descriptor.LabelColumn);
        Assert.Equal(4, stored.Descriptor.Classes);
        Assert.Equal(99, stored.Descriptor.Items); // 4 classes × 25, less the newcomer held back
        Assert.Equal(store.GetInfo().Generation, stored.Descriptor.FittedGeneration);
        Assert.Equal(512, stored.Descriptor.InputDimension);
        Assert.Equal(512, stored.Descriptor.OutputDimension);
        Assert.Contains("learned from labels 'class'", stored.Descriptor.Summary);

        // Open: the index holds projected vectors; an item added later goes through the same projection; the store keeps it raw.
        using (var query = QueryService.Open(store, fixture.Decoder, () => throw new InvalidOperationException("no photo queries here")))
        {
            Assert.Equal(stored.Key, query.LearnedProjection!.Key);
            // Scanned in place from the store's copy of its rows in the learned space, as raw stores scan their own.
            Assert.IsType<MappedExactIndex>(query.Index);
            Assert.Single(Directory.GetFiles(store.Location, "learned-*.vectors.f32"));
            var some = store.ReadAll(withVectors: true).First();
            Assert.Equal(stored.Projection.ApplyAll(some.Vector.ToArray(), 1), query.Index.GetVector(some.Id));
            query.Edits.AddItem(newcomer);
            // One item is mapped row by row, a whole index block by block: the same map, summed in another order.
            var single = new float[stored.Projection.OutputDimension];
            stored.Projection.Apply(newcomer.Vector.Span, single);
            Assert.Equal(single, query.Index.GetVector(newcomer.Id));
            Assert.Equal(single, stored.Projection.ApplyAll(newcomer.Vector.ToArray(), 1), (a, b) => Math.Abs(a - b) <= 1e-6f);
            Assert.Equal(newcomer.Vector.ToArray(), store.Find(newcomer.Id)!.Vector.ToArray());
            var hits = query.SimilarToItem(newcomer.Id, 5);
            Assert.Equal(5, hits.Results.Count);
        }

        // The HNSW cache is keyed by the projection: learning again rebuilds it, and so does dropping.
        var hnsw = IndexSpec.Parse("hnsw(m=16,efc=64,ef=64)");
        var log = new List<string>();
        VectorIndexLoader.Load(store, hnsw, log.Add).Dispose();
        VectorIndexLoader.Load(store, hnsw, log.Add).Dispose();
        Assert.Contains("loaded from cache", log[^1]);
        StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Head = Quick with { Seed = 2 } });
        Assert.Equal(stored.Version + 1, store.GetProjection()!.Version);
        Assert.Empty(Directory.GetFiles(store.Location, "learned-*"));   // the rows of the replaced space go with it
        VectorIndexLoader.Load(store, hnsw, log.Add).Dispose();
        Assert.Contains("learned projection", log[^1]);
        VectorIndexLoader.Load(store, IndexSpec.Exact).Dispose();
        Assert.Single(Directory.GetFiles(store.Location, "learned-*"));

        Assert.True(store.DropProjection());
        Assert.Empty(Directory.GetFiles(store.Location, "learned-*"));
        Assert.Null(store.GetProjection());
        Assert.False(store.DropProjection());
        using var raw = VectorIndexLoader.Load(store, IndexSpec.Exact);
        Assert.Equal(newcomer.Vector.ToArray(), raw.GetVector(newcomer.Id));
        VectorIndexLoader.Load(store, hnsw, log.Add).Dispose();
        Assert.Contains("raw vectors", log[^1]);
    }

    [Fact]
    public void Learn_BadInputs_NameTheCause_AndKeepThePreviousProjection()
    {
        using var store = ImportedCopy();
        var previous = StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Head = Quick }).Stored;

        LookalikeException Fails(LearnRequest request, IFeedbackStore? feedback = null) =>
            Assert.Throws<LookalikeException>(() => StoreLearning.Learn(store, feedback, request));

        var oneClass = Fails(new LearnRequest { LabelColumn = "class", Filter = ItemFilter.Parse(["class=shoes"]) });
        Assert.Contains("single class ('shoes')", oneClass.Message);
        var noColumn = Fails(new LearnRequest { LabelColumn = "colour" });
        Assert.Contains("No item has a value in column 'colour'", noColumn.Message);
        Assert.Contains("class", noColumn.Message);
        var nothing = Fails(new LearnRequest { LabelColumn = "class", Filter = ItemFilter.Parse(["class=spaceship"]) });
        Assert.Equal("where", nothing.Subject);
        Assert.Contains("selects none", nothing.Message);
        var noFeedback = Fails(new LearnRequest { Method = ProjectionMethod.Head });
        Assert.Contains("no feedback", noFeedback.Message);

        using (var feedback = SqliteFeedbackStore.Open(store.Location))
        {
            var items = store.ReadAll(withVectors: false).Select(i => i.Id).Take(6).ToList();
            var t = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
            feedback.Add([FeedbackEvent.Purchase(UserId.Parse("u1"), items[0], t), FeedbackEvent.Purchase(UserId.Parse("u1"), items[1], t.AddDays(1)),
                FeedbackEvent.Like(UserId.Parse("u2"), items[2], t), FeedbackEvent.Like(UserId.Parse("u2"), items[3], t.AddDays(100))]);
            var fewPairs = Fails(new LearnRequest(), feedback);
            Assert.Contains("1 positive pair(s)", fewPairs.Message);
            Assert.Contains("at least 20", fewPairs.Message);
            var before = Fails(new LearnRequest { Before = t.AddDays(-1) }, feedback);
            Assert.Contains("no feedback before 2023-12-31", before.Message);
        }
        var ldaOnPairs = Assert.Throws<ArgumentException>(() => DiscriminantWhitening.Fit(LearningSet.FromPairs(new float[8], 2, [(0, 1)]), ProjectionMethod.Lda));
        Assert.Contains("LDA needs classes", ldaOnPairs.Message);

        var after = store.GetProjection();
        Assert.Equal(previous.Version, after!.Version);
        Assert.Equal(previous.Projection.ToBytes(), after.Projection.ToBytes());
    }

    /// <summary>
    /// <c>learn --augment flip</c> on a store of the real sample photos: every learning item's mirror image is embedded
    /// by the store's model and learned as another row of its class; the artifact records it.
    /// </summary>
    [Fact]
    public void Learn_Augment_EmbedsViewsOfThePhotos_AndRecordsThem()
    {
        using var store = ImportedCopy(change: i => i with { Path = fixture.Store.Find(i.Id)!.Path });
        var progress = new List<string>();
        var outcome = StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Head = Quick, Augment = TrainingViews.Flip }, new SyncProgress(progress.Add));
        Assert.Equal("flip", outcome.Stored.Descriptor.Augment);
        Assert.Equal(250, outcome.Stored.Descriptor.Items);
        Assert.Contains("augmented flip", outcome.Stored.Descriptor.Summary);
        Assert.Equal("flip", ProjectionJsonView.Of(outcome.Stored)["augment"]);
        Assert.Contains(progress, m => m.Contains("flip views of 250 photos", StringComparison.Ordinal));
        Assert.Contains(progress, m => m.Contains("learning head from 500 vectors", StringComparison.Ordinal));

        // The views are the mirrored photos through the real model: close to, never equal to, the stored vector.
        var item = fixture.Store.ReadAll(withVectors: true).First();
        var views = TrainingViewEmbedder.Embed([item], TrainingViews.Flip | TrainingViews.Zoom, fixture.Embedder, fixture.Decoder, []);
        Assert.Equal(3, views[item.Id].Length);
        foreach (var view in views[item.Id])
        {
            float cosine = System.Numerics.Tensors.TensorPrimitives.Dot(view, item.Vector.Span);
            Assert.InRange(cosine, 0.5f, 0.9999f);
        }
    }

    [Fact]
    public void Holdout_Augmented_HeldOutMapImproves()
    {
        var items = fixture.Store.ReadAll(withVectors: true).ToList();
        var report = HoldoutEvaluator.Run(items, "class", new RetrievalOptions(), new HoldoutOptions(0.5, 1, HoldoutSplit.Item, ProjectionMethod.Head, Quick, TrainingViews.Flip | TrainingViews.Zoom));
        output.WriteLine($"augmented: raw mAP@10 {report.Raw.Overall.Map:0.0000} → learned {report.Learned.Overall.Map:0.0000}");
        Assert.Equal(125, report.LearnItems);
        Assert.True(report.Learned.Overall.Map > report.Raw.Overall.Map, $"learned {report.Learned.Overall.Map} ≤ raw {report.Raw.Overall.Map}");
    }

    /// <summary>The head that reads the photos' 3×3 feature-map regions beside their vectors (round 7 of the learned space).</summary>
    [Fact]
    public void Holdout_RegionReadout_HeldOutMapImproves_AndWhatCannotReadItSaysSo()
    {
        var items = fixture.Store.ReadAll(withVectors: true).ToList();
        var report = HoldoutEvaluator.Run(items, "class", new RetrievalOptions(), new HoldoutOptions(0.5, 1, HoldoutSplit.Item, ProjectionMethod.Head, Quick, Readout: HeadReadout.Regions));
        output.WriteLine($"regions: raw mAP@10 {report.Raw.Overall.Map:0.0000} → learned {report.Learned.Overall.Map:0.0000}");
        Assert.Equal("learned(head, regions)", report.Learned.Pipeline);
        Assert.Equal(125, report.HeldOutItems);
        Assert.Equal(report.Raw.Overall.Queries, report.Learned.Overall.Queries);
        Assert.True(report.Learned.Overall.Map > report.Raw.Overall.Map, $"learned {report.Learned.Overall.Map} ≤ raw {report.Raw.Overall.Map}");

        var lda = Assert.Throws<LookalikeException>(() => HoldoutEvaluator.Run(items, "class", new RetrievalOptions(), new HoldoutOptions(0.5, 1, HoldoutSplit.Item, ProjectionMethod.Lda, Readout: HeadReadout.Regions)));
        Assert.Equal("readout", lda.Subject);
        var augmented = Assert.Throws<LookalikeException>(() => HoldoutEvaluator.Run(items, "class", new RetrievalOptions(), new HoldoutOptions(0.5, 1, HoldoutSplit.Item, ProjectionMethod.Head, Quick, TrainingViews.Flip, HeadReadout.Regions)));
        Assert.Equal("readout", augmented.Subject);
        using var store = ImportedCopy();
        var imported = Assert.Throws<LookalikeException>(() => HoldoutEvaluator.Run(store.ReadAll(withVectors: true).ToList(), "class", new RetrievalOptions(), new HoldoutOptions(0.5, 1, HoldoutSplit.Item, ProjectionMethod.Head, Quick, Readout: HeadReadout.Regions)));
        Assert.Equal("readout", imported.Subject);
        Assert.Contains("imported vector", imported.Message);
    }

    [Fact]
    public void Learn_Augment_WithoutPhotosOrFromFeedback_NamesTheCause_AndKeepsThePreviousProjection()
    {
        using var store = ImportedCopy();
        var previous = StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Head = Quick }).Stored;
        var noPhotos = Assert.Throws<LookalikeException>(() => StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Head = Quick, Augment = TrainingViews.Flip }));
        Assert.Equal("augment", noPhotos.Subject);
        Assert.Contains("none of the 250 could be read", noPhotos.Message);
        Assert.Contains("without --augment", noPhotos.Message);
        var fromFeedback = Assert.Throws<LookalikeException>(() => StoreLearning.Learn(store, null, new LearnRequest { Augment = TrainingViews.Zoom }));
        Assert.Equal("augment", fromFeedback.Subject);
        var unknown = Assert.Throws<LookalikeException>(() => TrainingViewsText.Parse("flip,rotate"));
        Assert.Contains("'rotate' is not a view", unknown.Message);
        Assert.Equal(TrainingViews.Flip | TrainingViews.Zoom, TrainingViewsText.Parse("zoom+flip"));
        Assert.Equal(3, TrainingViewsText.Runs(TrainingViewsText.Parse("flip,zoom")));
        // An augmented head takes half a step unless one is given (validation: 0.75 lost 1.3% on unseen categories).
        Assert.Equal(0.5f, StoreLearning.HeadFor(null, TrainingViews.Flip | TrainingViews.Zoom).Step);
        Assert.Equal(1f, StoreLearning.HeadFor(new MetricHeadOptions { Step = 1f }, TrainingViews.Flip).Step);
        Assert.Null(StoreLearning.HeadFor(null, TrainingViews.None).Step);
        var after = store.GetProjection()!;
        Assert.Equal(previous.Version, after.Version);
        Assert.Null(after.Descriptor.Augment);
    }

    [Fact]
    public void Mirror_SwapsColumns_AndTwiceIsTheOriginal()
    {
        var pixels = new byte[3 * 2 * 3];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)i;
        var image = new Lookalike.Core.Imaging.DecodedImage(3, 2, pixels);
        var mirrored = TrainingViewEmbedder.Mirror(image);
        Assert.Equal(pixels.AsSpan(6, 3).ToArray(), mirrored.Pixels.AsSpan(0, 3).ToArray());  // row 0: last pixel first
        Assert.Equal(pixels.AsSpan(3, 3).ToArray(), mirrored.Pixels.AsSpan(3, 3).ToArray());  // middle stays
        Assert.Equal(pixels.AsSpan(9, 3).ToArray(), mirrored.Pixels.AsSpan(15, 3).ToArray()); // row 1: first pixel last
        Assert.Equal(pixels, TrainingViewEmbedder.Mirror(mirrored).Pixels);
    }

    /// <summary>Reports on the calling thread, in order.</summary>
    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    [Fact]
    public void Learn_ClassWithOneItem_LeftOutWithANote_AndAllSinglesFail()
    {
        var lone = fixture.Store.ReadAll(withVectors: false).First(i => i.Metadata["class"] == "hat").Id;
        using var store = ImportedCopy(change: i => i.Id == lone ? i with { Metadata = new Dictionary<string, string> { ["class"] = "unicorn" } } : i);
        var outcome = StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Head = Quick });
        Assert.Contains(outcome.Notes, n => n.Contains("one item only", StringComparison.Ordinal) && n.Contains("unicorn", StringComparison.Ordinal));
        Assert.Equal(249, outcome.Stored.Descriptor.Items);

        using var singles = ImportedCopy(keep: i => i.Metadata["class"] is "hat" or "shoes", change: i => i with { Metadata = new Dictionary<string, string> { ["class"] = i.Id.Value } });
        var e = Assert.Throws<LookalikeException>(() => StoreLearning.Learn(singles, null, new LearnRequest { LabelColumn = "class" }));
        Assert.Contains("with 2 or more items", e.Message);
    }
}
