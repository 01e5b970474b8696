using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx;
using Lookalike.Hosting.Ingest;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests;

/// <summary>The indexing pipeline with several decode and embedding workers: same vectors as one worker, failures still per file.</summary>
[Collection(IndexedSamplesCollection.Name)]
public sealed class IngestWorkersTests(IndexedSamplesFixture fixture) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Index_TwoEmbedWorkersSingleThreadedModel_SameVectorsAsOneWorker()
    {
        _dir.CopySamples(12, "photos");
        string photos = _dir.Combine("photos");
        File.WriteAllText(Path.Combine(photos, "broken.jpg"), "not a jpeg");

        using var embedder = new OnnxImageEmbedder(BuiltInModels.Resolve(BuiltInModels.ResNet18), OnnxEmbeddingOptions.ForThroughput());
        var parallel = Index(photos, "parallel", embedder, new IngestOptions { EmbedWorkers = 2, DecodeWorkers = 2, DecodedQueue = 2, WriteBatchSize = 3 });
        var single = Index(photos, "single", fixture.Embedder, new IngestOptions { WriteBatchSize = 5 });

        Assert.Equal(12, parallel.Summary.Added);
        Assert.Equal(nameof(LookalikeErrorKind.UnsupportedImage), Assert.Single(parallel.Summary.Failures).Kind);
        Assert.Equal(single.Items.Keys.Order(), parallel.Items.Keys.Order());
        Assert.Equal(fixture.Embedder.Model, embedder.Model);
        foreach (var (id, item) in single.Items)
            Assert.Equal(item.Vector.ToArray(), parallel.Items[id].Vector.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5f);
    }

    private (IngestSummary Summary, Dictionary<string, CatalogItem> Items) Index(string folder, string store, Core.Embedding.IImageEmbedder embedder, IngestOptions options)
    {
        using var catalog = SqliteCatalogStore.Open(_dir.Combine(store), create: true);
        var pipeline = new IngestPipeline(catalog, fixture.Decoder, embedder, options, new ImageDecoderOptions());
        var summary = pipeline.RunAsync(new IngestRequest(folder)).GetAwaiter().GetResult();
        return (summary, catalog.ReadAll(withVectors: true).ToDictionary(i => i.Id.Value));
    }
}
