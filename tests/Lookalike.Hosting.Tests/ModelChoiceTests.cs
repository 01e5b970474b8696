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
        Assert.Equal(LookalikeComponents.NewStoreModel(), LookalikeComponents.ModelFor(null, null));
        Assert.Equal(LookalikeComponents.NewStoreModel(), LookalikeComponents.ModelFor(null, " "));
        Assert.Equal("resnet18+gem3", LookalikeComponents.ModelFor(null, null, EmbeddingPrecision.Fp32));
        Assert.Equal("resnet18-int8+gem3", LookalikeComponents.ModelFor(null, null, EmbeddingPrecision.Int8));
        Assert.Equal("resnet18", LookalikeComponents.ModelFor(new ModelId("resnet18@a9232384"), null));
        // An explicit precision the store was not made with names that precision's copy of its recipe (refused by the store).
        Assert.Equal("resnet18-int8", LookalikeComponents.ModelFor(new ModelId("resnet18@a9232384"), null, EmbeddingPrecision.Int8));
        Assert.Equal("resnet18+gem3", LookalikeComponents.ModelFor(new ModelId("resnet18-int8+gem3@12345678"), null, EmbeddingPrecision.Fp32));
        Assert.Equal("resnet18-int8+gem3", LookalikeComponents.ModelFor(new ModelId("resnet18-int8+gem3@12345678"), null, EmbeddingPrecision.Int8));
        Assert.Equal("resnet18+flip+gem3", LookalikeComponents.ModelFor(new ModelId("resnet18+flip+gem3@0badf00d"), null));
        Assert.Equal("resnet18-int8", LookalikeComponents.ModelFor(new ModelId("resnet18-int8@12345678"), null));
        Assert.Equal("resnet18-int8+gem3", LookalikeComponents.ModelFor(new ModelId("resnet18-int8+gem3@12345678"), null));
        // Imported vectors (or a manifest this build cannot name): nothing to take; the default, refused later as a mismatch.
        Assert.Equal(LookalikeComponents.NewStoreModel(), LookalikeComponents.ModelFor(new ModelId("clip-vit@12345678"), null));
        Assert.Equal("resnet18+flip", LookalikeComponents.ModelFor(new ModelId("resnet18@a9232384"), "resnet18+flip")); // given wins
    }

    [Fact]
    public void DefaultPrecision_Int8ExactlyWhereTheCpuHasVnniOrAmx()
    {
        string? found = LookalikeComponents.CpuInt8Instructions;
        Assert.Equal(found is null ? EmbeddingPrecision.Fp32 : EmbeddingPrecision.Int8, LookalikeComponents.DefaultPrecision);
        Assert.Equal(found is null ? "resnet18+gem3" : "resnet18-int8+gem3", LookalikeComponents.NewStoreModel());
        // Cross-checked against the kernel's own flags where it lists them (Linux x64).
        if (File.Exists("/proc/cpuinfo") && System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            var flags = File.ReadLines("/proc/cpuinfo").First(l => l.StartsWith("flags", StringComparison.Ordinal)).Split(' ').ToHashSet();
            bool vnni = flags.Contains("avx512_vnni") || flags.Contains("avx_vnni") || flags.Contains("amx_int8");
            Assert.Equal(vnni, found is not null);
        }
    }

    [Fact]
    public void PrecisionOf_NamesTheStoresPrecision_NullForImportedVectors()
    {
        Assert.Equal(EmbeddingPrecision.Int8, LookalikeComponents.PrecisionOf(new ModelId("resnet18-int8+gem3@12345678")));
        Assert.Equal(EmbeddingPrecision.Int8, LookalikeComponents.PrecisionOf(new ModelId("resnet18-int8@12345678")));
        Assert.Equal(EmbeddingPrecision.Fp32, LookalikeComponents.PrecisionOf(new ModelId("resnet18+gem3@12345678")));
        Assert.Null(LookalikeComponents.PrecisionOf(new ModelId("synthetic-512@12345678")));
        Assert.Null(LookalikeComponents.PrecisionOf(null));
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
