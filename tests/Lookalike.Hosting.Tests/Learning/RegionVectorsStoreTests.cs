using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Core.Learning;
using Lookalike.Core.Search;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Evaluation;
using Lookalike.Hosting.Ingest;
using Lookalike.Hosting.Learning;
using Lookalike.Hosting.Query;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;
using Xunit.Abstractions;

namespace Lookalike.Hosting.Tests.Learning;

/// <summary>The sample catalog indexed with <c>resnet18+regions</c>: vectors that carry the feature map's regions.</summary>
public sealed class RegionSamplesFixture : IDisposable
{
    public const string Model = "resnet18+regions";
    private readonly TempDirectory _directory = new();

    public RegionSamplesFixture()
    {
        Decoder = LookalikeComponents.CreateDecoder();
        using var embedder = LookalikeComponents.CreateEmbedder(Model);
        using var store = SqliteCatalogStore.Open(_directory.Combine("store"), create: true);
        var labels = LabelsFile.Load(RepositoryPaths.SampleLabels);
        new IngestPipeline(store, Decoder, embedder, new IngestOptions(), new ImageDecoderOptions())
            .RunAsync(new IngestRequest(RepositoryPaths.Samples, labels.Rows)).GetAwaiter().GetResult();
        Items = store.ReadAll(withVectors: true).ToList();
    }

    public IImageDecoder Decoder { get; }

    /// <summary>The 250 items with their 5,120-d vectors.</summary>
    public IReadOnlyList<CatalogItem> Items { get; }

    public string TempPath => _directory.Path;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}

/// <summary>
/// A store of <c>+regions</c> vectors learns the head that reads the regions from what it keeps (no photo read again),
/// applies it to every item and photo query, and refuses what cannot use the regions, naming why.
/// </summary>
public sealed class RegionVectorsStoreTests(RegionSamplesFixture fixture, ITestOutputHelper output) : IClassFixture<RegionSamplesFixture>, IDisposable
{
    private readonly TempDirectory _dir = new();
    private static MetricHeadOptions Quick => new() { Epochs = 10, BatchSize = 32, Hidden = 256 };

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private SqliteCatalogStore Copy()
    {
        var store = SqliteCatalogStore.Open(_dir.Combine("store-" + Guid.NewGuid().ToString("N")[..8]), create: true);
        store.BindModel(fixture.Items[0].Model, fixture.Items[0].Vector.Length);
        store.Upsert(fixture.Items);
        return store;
    }

    [Fact]
    public void Index_VectorsCarryThePooledVectorAndNineRegions()
    {
        Assert.All(fixture.Items, item => Assert.Equal(RegionVectors.Dimension(512), item.Vector.Length));
        Assert.StartsWith(RegionSamplesFixture.Model + "@", fixture.Items[0].Model.Value, StringComparison.Ordinal);
        Assert.True(RegionVectors.Carries(fixture.Items[0].Model));
    }

    [Fact]
    public void Holdout_HeadReadsTheRegions_BeatsBothRawAndThePooledPart()
    {
        var report = HoldoutEvaluator.Run(fixture.Items, "class", new RetrievalOptions(), new HoldoutOptions(0.5, 1, HoldoutSplit.Item, ProjectionMethod.Head, Quick));
        Assert.NotNull(report.RawPooled);
        output.WriteLine($"pooled part {report.RawPooled.Overall.Map:0.0000}, raw {report.Raw.Overall.Map:0.0000} → learned {report.Learned.Overall.Map:0.0000}");
        Assert.Equal("learned(head, regions)", report.Learned.Pipeline);
        Assert.Equal(512, report.RawPooled.Dimension);
        Assert.Equal(512, report.Learned.Dimension);
        Assert.Equal(report.Raw.Overall.Queries, report.RawPooled.Overall.Queries);
        Assert.True(report.Learned.Overall.Map > report.Raw.Overall.Map, $"learned {report.Learned.Overall.Map} ≤ raw {report.Raw.Overall.Map}");
        Assert.True(report.Learned.Overall.Map > report.RawPooled.Overall.Map, $"learned {report.Learned.Overall.Map} ≤ pooled {report.RawPooled.Overall.Map}");
    }

    [Fact]
    public void Learn_StoredHeadTakesTheStoredVectors_IndexAndPhotoQueriesGoThroughIt()
    {
        using var store = Copy();
        var outcome = StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Head = Quick });
        Assert.Equal(RegionVectors.Dimension(512), outcome.Stored.Descriptor.InputDimension);
        Assert.Equal(512, outcome.Stored.Descriptor.OutputDimension);
        Assert.Equal(RegionVectors.Dimension(512), outcome.Stored.Projection.InputDimension);

        // The index holds every stored vector mapped through the head as stored, with no photo read again.
        var item = fixture.Items.First(i => i.Metadata["class"] == "shoes");
        using var query = QueryService.Open(store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder(RegionSamplesFixture.Model));
        Assert.Equal(outcome.Stored.Projection.ApplyAll(item.Vector.ToArray(), 1), query.Index.GetVector(item.Id));

        // A catalog photo asked as an upload finds its own item first, in the learned space.
        var hits = query.SimilarToImage(File.ReadAllBytes(item.Path), "upload.jpg", 3);
        Assert.Equal(item.Id.Value, hits.Results[0].Id);
        Assert.Equal(1.0, hits.Results[0].Score, 3);
    }

    [Fact]
    public void Learn_LinearMethod_RefusedNamingTheMethod_PreviousHeadKept()
    {
        using var store = Copy();
        var first = StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Head = Quick });
        var e = Assert.Throws<LookalikeException>(() => StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Method = ProjectionMethod.Lw }));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("--method head", e.Message, StringComparison.Ordinal);
        Assert.Contains("regions", e.Message, StringComparison.Ordinal);
        Assert.Equal(first.Stored.Key, store.GetProjection()!.Key);
    }

    [Fact]
    public void Holdout_ReadoutOnVectorsThatCarryIt_RefusedNamingTheOption()
    {
        var e = Assert.Throws<LookalikeException>(() => HoldoutEvaluator.Run(fixture.Items, "class", new RetrievalOptions(),
            new HoldoutOptions(0.5, 1, HoldoutSplit.Item, ProjectionMethod.Head, Quick, Readout: HeadReadout.Regions)));
        Assert.Contains("drop --readout", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void QueryViews_OtherThanFull_RefusedNamingTheModel()
    {
        using var reader = LookalikeComponents.CreateFeatureMapReader(fixture.Items[0].Model);
        var embedder = new QueryViewEmbedder(reader, fixture.Decoder);
        byte[] photo = File.ReadAllBytes(fixture.Items[0].Path);
        var e = Assert.Throws<LookalikeException>(() => embedder.Embed(photo, "upload.jpg", [QueryViews.Parse("full+zoom")]));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("'full'", e.Message, StringComparison.Ordinal);
        // The whole photo alone is the stored vector, regions included.
        float[] full = embedder.Embed(photo, "upload.jpg", [QueryViews.Full])[0][0];
        Assert.Equal(fixture.Items[0].Vector.ToArray(), full, (a, b) => Math.Abs(a - b) < 1e-4f);
    }
}
