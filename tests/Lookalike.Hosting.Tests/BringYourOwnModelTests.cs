using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Core.Retrieval;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Evaluation;
using Lookalike.Hosting.Ingest;
using Lookalike.Hosting.Query;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests;

/// <summary>
/// Manifest-described models end to end (index, similar, eval): the bundled ResNet18 files under the example manifest,
/// and a tiny ONNX model written by the test itself with another input size, normalisation and output dimension.
/// </summary>
[Collection(IndexedSamplesCollection.Name)]
public sealed class BringYourOwnModelTests(IndexedSamplesFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    /// <summary>Copies <paramref name="count"/> sample photos to catalog/images and returns their labels.</summary>
    private Dictionary<ItemId, IReadOnlyDictionary<string, string>> Catalog(int count)
    {
        var copied = _dir.CopySamples(count, Path.Combine("catalog", "images")).Select(p => "images/" + Path.GetFileName(p)).ToHashSet();
        return LabelsFile.Load(RepositoryPaths.SampleLabels).Rows.Where(kv => copied.Contains(kv.Key.Value)).ToDictionary(kv => kv.Key, kv => kv.Value);
    }

    private IngestSummary Index(SqliteCatalogStore store, string model, IReadOnlyDictionary<ItemId, IReadOnlyDictionary<string, string>> labels)
    {
        using var embedder = LookalikeComponents.CreateEmbedder(model);
        var pipeline = new IngestPipeline(store, fixture.Decoder, embedder, new IngestOptions(), new ImageDecoderOptions());
        return pipeline.RunAsync(new IngestRequest(_dir.Combine("catalog"), labels)).GetAwaiter().GetResult();
    }

    /// <summary>48-d from a 64×64 input scaled to 0–1 and normalised with mean 0.5, std 0.25.</summary>
    private string TinyManifest()
    {
        string folder = _dir.Combine("tiny");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "tiny48.onnx"), TinyOnnx.PoolConvModel(size: 64, channels: 48, seed: 7));
        string manifest = Path.Combine(folder, "manifest.json");
        File.WriteAllText(manifest, """
            {
              "name": "tiny48",
              "graphs": [ { "file": "tiny48.onnx", "input": "image", "output": "features" } ],
              "inputWidth": 64, "inputHeight": 64, "resize": "stretch", "channelOrder": "rgb",
              "scale": 0.003921569, "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25],
              "batchDimension": true, "dimension": 48
            }
            """);
        return manifest;
    }

    [Fact]
    public void TinyModel_IndexSimilarEval_48DimensionalStoreEndToEnd()
    {
        string manifest = TinyManifest();
        var labels = Catalog(40);
        using var store = SqliteCatalogStore.Open(_dir.Combine("store"), create: true);
        var summary = Index(store, manifest, labels);
        Assert.Equal(40, summary.Added);
        Assert.Empty(summary.Failures);

        var info = store.GetInfo();
        Assert.Equal(48, info.Dimension);
        Assert.StartsWith("tiny48@", info.Model!.Value.Value, StringComparison.Ordinal);
        Assert.All(store.ReadAll(withVectors: true), i => Assert.Equal(48, i.Vector.Length));

        using var query = QueryService.Open(store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder(manifest));
        var first = labels.Keys.Order(ItemId.Ordinal).First();
        var similar = query.Similar(first.Value, 5);
        Assert.Equal(5, similar.Results.Count);
        Assert.DoesNotContain(similar.Results, r => r.Id == first.Value);
        // An outside photo (bytes, not resolved by path or hash): the tiny model finds the identical catalog photo first.
        byte[] photo = File.ReadAllBytes(_dir.Combine("catalog", first.Value));
        var outside = query.SimilarToImage(photo, "outside.jpg", 3);
        Assert.Equal(first.Value, outside.Results[0].Id);
        Assert.True(outside.Results[0].Score > 0.9999f, $"score {outside.Results[0].Score}");

        var report = RetrievalEvaluator.Run(store.ReadAll(withVectors: true).ToList(), "class", new RetrievalOptions { K = 5, Rerank = new KReciprocalSpec(K1: 5, Shortlist: 20) });
        Assert.Equal(48, report.Dimension);
        Assert.Equal(40, report.Items);
        Assert.Equal(labels.Count(kv => labels.Count(o => o.Value["class"] == kv.Value["class"]) > 1), report.Overall.Queries);
        // The tiny model is an 8×8 colour thumbnail, barely above chance on these classes: measured mAP@5 0.061, floor 0.05.
        Assert.True(report.Overall.Map >= 0.05, $"mAP@5 {report.Overall.Map:0.000}");
    }

    [Fact]
    public void TinyModel_AndResNet18_RefuseEachOthersStores()
    {
        string manifest = TinyManifest();
        var labels = Catalog(3);
        using var tinyStore = SqliteCatalogStore.Open(_dir.Combine("tiny-store"), create: true);
        Index(tinyStore, manifest, labels);
        byte[] photo = File.ReadAllBytes(_dir.Combine("catalog", labels.Keys.First().Value));

        // A ResNet18 store queried with the tiny model, and the tiny store queried with ResNet18: clear mismatches.
        using (var resnetStoreWithTiny = QueryService.Open(fixture.Store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder(manifest)))
        {
            var e = Assert.Throws<LookalikeException>(() => resnetStoreWithTiny.SimilarToImage(photo, "q.jpg", 3));
            Assert.Equal(LookalikeErrorKind.ModelMismatch, e.Kind);
            Assert.Contains("'resnet18@", e.Message, StringComparison.Ordinal);
            Assert.Contains("'tiny48@", e.Message, StringComparison.Ordinal);
        }
        using (var tinyStoreWithResNet = QueryService.Open(tinyStore, fixture.Decoder, () => LookalikeComponents.CreateEmbedder("resnet18")))
        {
            var e = Assert.Throws<LookalikeException>(() => tinyStoreWithResNet.SimilarToImage(photo, "q.jpg", 3));
            Assert.Equal(LookalikeErrorKind.ModelMismatch, e.Kind);
        }
        // Flip augmentation is another model too: the plain ResNet18 store refuses resnet18+flip queries.
        using (var flip = QueryService.Open(fixture.Store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder("resnet18+flip")))
        {
            var e = Assert.Throws<LookalikeException>(() => flip.SimilarToImage(photo, "q.jpg", 3));
            Assert.Equal(LookalikeErrorKind.ModelMismatch, e.Kind);
            Assert.Contains("'resnet18+flip@", e.Message, StringComparison.Ordinal);
        }
        // So is GeM pooling of the same network (resnet18+gem3 reads the 7×7 feature map before the average pooling).
        using (var gem = QueryService.Open(fixture.Store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder("resnet18+gem3")))
        {
            var e = Assert.Throws<LookalikeException>(() => gem.SimilarToImage(photo, "q.jpg", 3));
            Assert.Equal(LookalikeErrorKind.ModelMismatch, e.Kind);
            Assert.Contains("'resnet18+gem3@", e.Message, StringComparison.Ordinal);
        }
        var indexing = Assert.Throws<LookalikeException>(() => Index(tinyStore, "resnet18", labels));
        Assert.Equal(LookalikeErrorKind.ModelMismatch, indexing.Kind);
    }

    [Fact]
    public void ResNet18UnderExampleManifest_IndexSimilarEval_SameVectorsAsBuiltIn()
    {
        string manifest = Path.Combine(AppContext.BaseDirectory, "Manifests", "resnet18.json");
        var labels = Catalog(12);
        using var store = SqliteCatalogStore.Open(_dir.Combine("store"), create: true);
        Assert.Equal(12, Index(store, manifest, labels).Added);
        Assert.Equal(fixture.Store.GetInfo().Model, store.GetInfo().Model);

        var builtIn = fixture.Store.ReadAll(withVectors: true).ToDictionary(i => i.Id);
        foreach (var item in store.ReadAll(withVectors: true))
            Assert.Equal(builtIn[item.Id].Vector.ToArray(), item.Vector.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);

        // The built-in store accepts photos embedded through the manifest, with the built-in's answer.
        byte[] photo = File.ReadAllBytes(_dir.Combine("catalog", labels.Keys.First().Value));
        using var viaManifest = QueryService.Open(fixture.Store, fixture.Decoder, () => LookalikeComponents.CreateEmbedder(manifest));
        Assert.Equal(
            fixture.Query.SimilarToImage(photo, "q.jpg", 5).Results.Select(r => r.Id),
            viaManifest.SimilarToImage(photo, "q.jpg", 5).Results.Select(r => r.Id));

        var report = RetrievalEvaluator.Run(store.ReadAll(withVectors: true).ToList(), "class", new RetrievalOptions { K = 3 });
        Assert.Equal(512, report.Dimension);
        Assert.True(report.Overall.Queries > 0);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }
}
