using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests;

/// <summary>Which model a command embeds with when none is given: the store's own, else the default of new stores.</summary>
[Collection(IndexedSamplesCollection.Name)]
public sealed class ModelChoiceTests(IndexedSamplesFixture fixture)
{
    [Fact]
    public void ModelFor_NoModelGiven_StoresOwnBuiltInVariant_ElseDefault()
    {
        Assert.Equal("resnet18+gem3", LookalikeComponents.DefaultModel);
        Assert.Equal(LookalikeComponents.DefaultModel, LookalikeComponents.ModelFor(null, null));
        Assert.Equal(LookalikeComponents.DefaultModel, LookalikeComponents.ModelFor(null, " "));
        Assert.Equal(LookalikeComponents.PlainModel, LookalikeComponents.ModelFor(null, null, EmbeddingPrecision.Int8)); // int8 exists for the plain network only
        Assert.Equal("resnet18", LookalikeComponents.ModelFor(new ModelId("resnet18@a9232384"), null));
        Assert.Equal("resnet18+flip+gem3", LookalikeComponents.ModelFor(new ModelId("resnet18+flip+gem3@0badf00d"), null));
        Assert.Equal("resnet18-int8", LookalikeComponents.ModelFor(new ModelId("resnet18-int8@12345678"), null));
        // Imported vectors (or a manifest this build cannot name): nothing to take; the default, refused later as a mismatch.
        Assert.Equal(LookalikeComponents.DefaultModel, LookalikeComponents.ModelFor(new ModelId("clip-vit@12345678"), null));
        Assert.Equal("resnet18+flip", LookalikeComponents.ModelFor(new ModelId("resnet18@a9232384"), "resnet18+flip")); // given wins
    }

    [Fact]
    public void RecordedModel_ExistingStore_ItsModel_NoStore_Null()
    {
        Assert.Equal(fixture.Embedder.Model, LookalikeComponents.RecordedModel(fixture.Store.Location));
        using var empty = new TempDirectory();
        Assert.Null(LookalikeComponents.RecordedModel(empty.Combine("no-store-here")));
        using var embedder = LookalikeComponents.CreateEmbedderFor(LookalikeComponents.RecordedModel(fixture.Store.Location), null);
        Assert.Equal(fixture.Embedder.Model, embedder.Model); // the plain store is queried with the plain recipe, not the default
    }
}
