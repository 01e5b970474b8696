using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Explain;
using Lookalike.Core.Learning;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Explain;
using Lookalike.Hosting.Ingest;
using Lookalike.Hosting.Learning;
using Lookalike.Hosting.Query;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests;

/// <summary>Explanations with the real model on real photos: the split of the score over both grids.</summary>
[Collection(IndexedSamplesCollection.Name)]
public sealed class ExplainTests(IndexedSamplesFixture fixture)
{
    [Fact]
    public void ExplainItems_PlainModel_EachGridSumsToTheSearchScore()
    {
        using var explain = new ExplainService(fixture.Query, fixture.Decoder);
        string query = FirstOfClass("dress");
        var top = fixture.Query.Similar(query, 3).Results;
        foreach (var hit in top)
        {
            var e = explain.ExplainItems(ItemId.Parse(query), ItemId.Parse(hit.Id));
            Assert.Equal("exact", e.Method);
            Assert.Equal(hit.Score, e.Score, 1e-4); // recomputed from the photos = the stored vectors' cosine
            Assert.Equal(e.Score, SimilarityExplanation.Sum(e.Query.Grid), 1e-4);
            Assert.Equal(e.Score, SimilarityExplanation.Sum(e.Result.Grid), 1e-4);
            Assert.Equal((7, 7), (e.Query.Rows, e.Query.Cols));
            Assert.Equal(7, e.Result.Grid.Length);
            Assert.All(e.Result.Grid, row => Assert.Equal(7, row.Length));
            var classes = Assert.Single(e.Metadata); // the labels' id column is an identifier, never compared
            Assert.Equal(("class", hit.Metadata["class"] == "dress"), (classes.Column, classes.Same));
            Assert.NotEmpty(e.Query.Colours);
            Assert.InRange(e.Query.Colours.Sum(c => c.Share), 0.5, 1.0 + 1e-9);
        }
    }

    [Fact]
    public void ExplainItems_CentreCroppedPhoto_GridLiesOverTheCentreSquare()
    {
        using var explain = new ExplainService(fixture.Query, fixture.Decoder);
        var ids = fixture.Store.ReadAll(withVectors: false).Select(i => i.Id).Order(ItemId.Ordinal).Take(2).ToList();
        var e = explain.ExplainItems(ids[0], ids[1]);
        var area = e.Query.Area;
        double side = Math.Min(e.Query.Width, e.Query.Height);
        Assert.Equal(side / e.Query.Width, area.Width, 1e-9);
        Assert.Equal(side / e.Query.Height, area.Height, 1e-9);
        Assert.Equal((1 - area.Width) / 2, area.X, 1e-9);
    }

    [Theory]
    [InlineData("resnet18+gem3", "first-order", 0.01)]
    [InlineData("resnet18+flip", "exact", 1e-4)]
    [InlineData("resnet18+flip+gem3", "first-order", 0.01)]
    [InlineData("resnet18+regions", "exact", 1e-4)]
    public void ExplainItems_OtherPipelines_GridsAddUpToTheStoredScore(string model, string method, double relativeTolerance)
    {
        using var directory = new TempDirectory();
        var labels = LabelsFile.Load(RepositoryPaths.SampleLabels).Rows;
        var chosen = labels.Where(r => r.Value["class"] is "shoes" or "hat").OrderBy(r => r.Key.Value, StringComparer.Ordinal).Take(4).ToList();
        string photos = directory.Combine("photos");
        Directory.CreateDirectory(photos);
        foreach (var row in chosen)
        {
            string copy = Path.Combine(photos, row.Key.Value); // same relative path, so the same id and labels
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(fixture.Store.Find(row.Key)!.Path, copy);
        }
        using var embedder = LookalikeComponents.CreateEmbedder(model);
        using var store = SqliteCatalogStore.Open(directory.Combine("store"), create: true);
        var summary = new IngestPipeline(store, fixture.Decoder, embedder, new IngestOptions(), new()).RunAsync(new IngestRequest(photos, labels)).GetAwaiter().GetResult();
        Assert.Equal(4, summary.Added);
        using var query = QueryService.Open(store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder(model));
        using var explain = new ExplainService(query, fixture.Decoder);
        var ids = store.ReadAll(withVectors: false).Select(i => i.Id).Order(ItemId.Ordinal).ToList();
        var hits = query.SimilarToItem(ids[0], 3).Results;
        foreach (var hit in hits)
        {
            var e = explain.ExplainItems(ids[0], ItemId.Parse(hit.Id));
            Assert.Equal(method, e.Method);
            Assert.StartsWith(model + "@", e.Model);
            Assert.Equal(hit.Score, e.Score, 1e-4);
            Assert.InRange(Math.Abs(SimilarityExplanation.Sum(e.Query.Grid) - e.Score), 0, relativeTolerance * e.Score);
            Assert.InRange(Math.Abs(SimilarityExplanation.Sum(e.Result.Grid) - e.Score), 0, relativeTolerance * e.Score);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Theory]
    [InlineData(ProjectionMethod.Head)]
    [InlineData(ProjectionMethod.Lda)]
    public void ExplainItems_LearnedSpace_ExplainsTheScoreTheStoreShows(ProjectionMethod method)
    {
        // The samples' own vectors and photos in a new store, then `learn` from their classes: results are ranked
        // by the learned space's cosine, and the explanation must add up to that score, not to the raw one.
        using var directory = new TempDirectory();
        using var store = SqliteCatalogStore.Open(directory.Combine("store"), create: true);
        var items = fixture.Store.ReadAll(withVectors: true).ToList();
        store.BindModel(items[0].Model, items[0].Vector.Length);
        store.Upsert(items);
        StoreLearning.Learn(store, null, new LearnRequest { LabelColumn = "class", Method = method, Head = new() { Epochs = 5, BatchSize = 32, Hidden = 128 } });
        using var query = QueryService.Open(store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder(items[0].Model.Value));
        Assert.NotNull(query.Space.Projection);
        using var explain = new ExplainService(query, fixture.Decoder);
        string first = FirstOfClass("dress");
        var rawScores = fixture.Query.Similar(first, 250).Results.ToDictionary(r => r.Id, r => r.Score);
        foreach (var hit in query.Similar(first, 3).Results)
        {
            var e = explain.ExplainItems(ItemId.Parse(first), ItemId.Parse(hit.Id));
            // The fixture's plain model splits exactly; a linear projection keeps that, the head's ReLUs make it first-order.
            Assert.Equal(method == ProjectionMethod.Head ? "first-order" : "exact", e.Method);
            Assert.Equal(hit.Score, e.Score, 1e-4);
            Assert.NotEqual(rawScores[hit.Id], e.Score, 2);
            double tolerance = method == ProjectionMethod.Head ? 0.01 * Math.Abs(e.Score) : 1e-4;
            Assert.InRange(Math.Abs(SimilarityExplanation.Sum(e.Query.Grid) - e.Score), 0, tolerance);
            Assert.InRange(Math.Abs(SimilarityExplanation.Sum(e.Result.Grid) - e.Score), 0, tolerance);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void ExplainImage_UploadWithBox_GridOverTheBoxAndNoMetadata()
    {
        using var explain = new ExplainService(fixture.Query, fixture.Decoder);
        var item = fixture.Store.ReadAll(withVectors: false).OrderBy(i => i.Id.Value, StringComparer.Ordinal).First();
        byte[] photo = File.ReadAllBytes(item.Path);
        var box = Core.Imaging.ImageBox.Parse("0.25,0.25,0.5,0.5", fractions: true);
        var e = explain.ExplainImage(photo, "upload.jpg", item.Id, box);
        Assert.Null(e.Query.Id);
        Assert.Empty(e.Metadata);
        Assert.Equal(e.Score, SimilarityExplanation.Sum(e.Query.Grid), 1e-4);
        Assert.InRange(e.Query.Area.X, 0.25 - 1e-9, 0.75);
        Assert.InRange(e.Query.Area.X + e.Query.Area.Width, 0.25, 0.75 + 1e-9);
    }

    [Fact]
    public void ExplainItems_UnknownItem_NotFoundNamingIt()
    {
        using var explain = new ExplainService(fixture.Query, fixture.Decoder);
        var e = Assert.Throws<LookalikeException>(() => explain.ExplainItems(ItemId.Parse("no-such-item"), ItemId.Parse(FirstOfClass("hat"))));
        Assert.Equal(LookalikeErrorKind.NotFound, e.Kind);
        Assert.Equal("no-such-item", e.Subject);
    }

    private string FirstOfClass(string label) =>
        fixture.Store.ReadAll(withVectors: false).Where(i => i.Metadata.TryGetValue("class", out var c) && c == label)
            .Select(i => i.Id.Value).Order(StringComparer.Ordinal).First();
}
