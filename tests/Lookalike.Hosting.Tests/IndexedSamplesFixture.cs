using Lookalike.Core.Embedding;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Catalog;
using Lookalike.Hosting.Ingest;
using Lookalike.Hosting.Query;
using Lookalike.Storage.Sqlite;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests;

/// <summary>The 250-photo sample catalog indexed once with the real model into a real store, shared by a test collection.</summary>
public sealed class IndexedSamplesFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public IndexedSamplesFixture()
    {
        Embedder = LookalikeComponents.CreateEmbedder("resnet18");
        Decoder = LookalikeComponents.CreateDecoder();
        Store = SqliteCatalogStore.Open(_directory.Combine("store"), create: true);
        var labels = LabelsFile.Load(RepositoryPaths.SampleLabels);
        var pipeline = new IngestPipeline(Store, Decoder, Embedder, new IngestOptions(), new ImageDecoderOptions());
        Summary = pipeline.RunAsync(new IngestRequest(RepositoryPaths.Samples, labels.Rows)).GetAwaiter().GetResult();
        Query = QueryService.Open(Store, Decoder, () => LookalikeComponents.CreateEmbedder("resnet18"));
    }

    public IImageEmbedder Embedder { get; }

    public IImageDecoder Decoder { get; }

    public SqliteCatalogStore Store { get; }

    public IngestSummary Summary { get; }

    public QueryService Query { get; }

    public string TempPath => _directory.Path;

    public void Dispose()
    {
        Query.Dispose();
        Embedder.Dispose();
        Store.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _directory.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class IndexedSamplesCollection : ICollectionFixture<IndexedSamplesFixture>
{
    public const string Name = "indexed samples";
}
