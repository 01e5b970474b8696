using System.Text.Json;
using Lookalike.Hosting;
using Lookalike.TestKit;

namespace Lookalike.Cli.Tests;

public class CliTests(IndexedCatalogFixture fixture) : IClassFixture<IndexedCatalogFixture>
{
    [Fact]
    public void Index_Json_ReportsEveryFileAdded()
    {
        Assert.True(fixture.IndexResult.ExitCode == 0, fixture.IndexResult.Stderr);
        using var summary = JsonDocument.Parse(fixture.IndexResult.Stdout);
        Assert.Equal(30, summary.RootElement.GetProperty("added").GetInt32());
        Assert.Equal(0, summary.RootElement.GetProperty("failures").GetArrayLength());
        Assert.Contains("indexing 100%", fixture.IndexResult.Stderr); // progress goes to stderr
        // The log line names the precision and why a new store got it.
        Assert.Contains($"new store: {LookalikeComponents.DefaultPrecisionReason}", fixture.IndexResult.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Index_NewStore_PrecisionFp32_IsTheFloatRecipe_Int8IsItsInt8Copy_StoreKeepsItsOwn()
    {
        string photos = Path.Combine(fixture.Catalog, "images");
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("few"));
        foreach (string file in Directory.GetFiles(photos).Order(StringComparer.Ordinal).Take(2))
            File.Copy(file, dir.Combine("few", Path.GetFileName(file)));
        foreach (var (precision, model) in new[] { ("fp32", "resnet18+gem3@"), ("int8", "resnet18-int8+gem3@") })
        {
            var index = CliRunner.Run(dir.Path, "index", "few", "--store", precision, "--precision", precision);
            Assert.True(index.ExitCode == 0, index.Stderr);
            Assert.Contains(precision + " · ", index.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("new store:", index.Stderr, StringComparison.Ordinal); // asked for, not defaulted
            var info = JsonDocument.Parse(CliRunner.Run(dir.Path, "info", "--store", precision, "--json").Stdout).RootElement;
            Assert.StartsWith(model, info.GetProperty("model").GetString(), StringComparison.Ordinal);
            Assert.Equal(precision, info.GetProperty("precision").GetString());
            // Re-indexing without --precision keeps the store's precision (nothing re-embedded, no mismatch).
            var again = CliRunner.Run(dir.Path, "index", "few", "--store", precision, "--json");
            Assert.True(again.ExitCode == 0, again.Stderr);
            Assert.Contains(precision + " · ", again.Stderr, StringComparison.Ordinal);
            Assert.Equal(2, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("skipped").GetInt32());
            // The other precision on this store is another model: refused naming both, even with every photo unchanged.
            string other = precision == "fp32" ? "int8" : "fp32";
            var refused = CliRunner.Run(dir.Path, "index", "few", "--store", precision, "--precision", other);
            Assert.Equal(2, refused.ExitCode);
            Assert.Contains($"holds vectors of model '{model}", refused.Stderr, StringComparison.Ordinal);
            Assert.Contains(other == "int8" ? "'resnet18-int8+gem3@" : "'resnet18+gem3@", refused.Stderr, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Info_Json_HasCountModelDimensionSize()
    {
        var result = fixture.Run("info", "--store", "store", "--json");
        Assert.Equal(0, result.ExitCode);
        var info = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(30, info.GetProperty("items").GetInt32());
        Assert.StartsWith(LookalikeComponents.NewStoreModel() + "@", info.GetProperty("model").GetString()); // the default recipe of a new store, int8 on a VNNI CPU
        Assert.Equal(LookalikeComponents.DefaultPrecision.ToString().ToLowerInvariant(), info.GetProperty("precision").GetString());
        Assert.Equal(LookalikeComponents.CpuInt8Instructions, info.GetProperty("cpu_int8_instructions").GetString());
        Assert.Equal(512, info.GetProperty("dimension").GetInt32());
        Assert.True(info.GetProperty("store_bytes").GetInt64() > 30 * 2048);
    }

    [Fact]
    public void Similar_ItemIdJson_HasDocumentedShape()
    {
        string id = "images/" + Path.GetFileName(Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).First());
        var result = fixture.Run("similar", id, "-k", "3", "--store", "store", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var root = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal("item", root.GetProperty("query").GetProperty("kind").GetString());
        Assert.Equal(id, root.GetProperty("query").GetProperty("id").GetString());
        var results = root.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.Equal(1, results[0].GetProperty("rank").GetInt32());
        Assert.NotEqual(id, results[0].GetProperty("id").GetString());
        Assert.True(File.Exists(results[0].GetProperty("path").GetString()));
        float score = results[0].GetProperty("score").GetSingle();
        Assert.InRange(score, -1f, 1.0001f);
        Assert.True(results[0].GetProperty("metadata").TryGetProperty("class", out _));
    }

    [Fact]
    public void Similar_OutsidePhoto_Table()
    {
        string outside = RepositoryPaths.SampleImages()[^1]; // not among the 30 indexed
        var result = fixture.Run("similar", outside, "--store", "store");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("Look-alikes of image", result.Stdout);
        Assert.Contains("rank", result.Stdout);
    }

    [Fact]
    public void Similar_Batch_OneJsonLinePerQueryAndErrorLines()
    {
        var ids = Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).Take(4).Select(f => "images/" + Path.GetFileName(f)).ToList();
        string batch = Path.Combine(fixture.WorkingDirectory, "batch.txt");
        File.WriteAllLines(batch, [.. ids, RepositoryPaths.SampleImages()[^2], "no/such/thing.jpg"]);
        var result = fixture.Run("similar", "--batch", batch, "-k", "2", "--json", "--store", "store");
        Assert.Equal(2, result.ExitCode); // one query failed
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(6, lines.Length);
        Assert.All(lines.Take(5), line => Assert.Equal(2, JsonDocument.Parse(line).RootElement.GetProperty("results").GetArrayLength()));
        Assert.Equal("NotFound", JsonDocument.Parse(lines[5]).RootElement.GetProperty("error").GetProperty("kind").GetString());
    }

    [Fact]
    public void Similar_WhereFilter_OnlyMatchingClass()
    {
        string id = "images/" + Path.GetFileName(Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).First());
        var result = fixture.Run("similar", id, "--where", "class=dress", "-k", "3", "--json", "--store", "store");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var results = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.Equal("dress", r.GetProperty("metadata").GetProperty("class").GetString()));
    }

    [Theory]
    [InlineData(1, "similar", "x", "-k", "0")]
    [InlineData(1, "similar", "x", "--where", "classdress")]
    [InlineData(1, "similar", "x", "--where", "nosuchcolumn=1")]
    [InlineData(1, "info", "--no-such-option")]
    [InlineData(1, "frobnicate")]
    [InlineData(2, "similar", "no-such-file.jpg")]
    [InlineData(2, "info", "--store", "no-such-store")]
    public void BadInvocation_ExitCodeAndMessage(int expected, params string[] args)
    {
        var fixedArgs = args.Select(a => a == "x" ? "images/" + Path.GetFileName(Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).First()) : a).ToList();
        if (!fixedArgs.Contains("--store") && fixedArgs[0] != "frobnicate") fixedArgs.AddRange(["--store", "store"]);
        var result = fixture.Run([.. fixedArgs]);
        Assert.Equal(expected, result.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Stderr));
        Assert.DoesNotContain("   at ", result.Stderr); // no stack traces for users
    }

    [Fact]
    public void Export_WritesNpyAndIdsInSameOrder()
    {
        var result = fixture.Run("export", "--out", "out/vectors.npy", "--store", "store");
        Assert.True(result.ExitCode == 0, result.Stderr);
        byte[] npy = File.ReadAllBytes(Path.Combine(fixture.WorkingDirectory, "out", "vectors.npy"));
        var (rows, dimension, data) = Core.Vectors.NpyFormat.Read(new MemoryStream(npy), "vectors.npy");
        Assert.Equal((30, 512), (rows, dimension));
        var ids = File.ReadAllLines(Path.Combine(fixture.WorkingDirectory, "out", "vectors.ids.txt"));
        Assert.Equal(30, ids.Length);
        Assert.Equal(ids.Order(StringComparer.Ordinal), ids);
        double norm = Math.Sqrt(data.Take(512).Sum(x => (double)x * x));
        Assert.Equal(1.0, norm, 1e-4);
    }

    [Fact]
    public void Report_WritesSelfContainedHtml()
    {
        var ids = Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).Take(2).Select(f => "images/" + Path.GetFileName(f)).ToArray();
        var result = fixture.Run(["report", .. ids, "-k", "4", "--out", "r/report.html", "--store", "store"]);
        Assert.True(result.ExitCode == 0, result.Stderr);
        string html = File.ReadAllText(Path.Combine(fixture.WorkingDirectory, "r", "report.html"));
        Assert.Equal(2, CountOf(html, "<section>"));
        Assert.Equal(2 * 5, CountOf(html, "data:image/jpeg;base64,"));
        Assert.DoesNotContain("src=\"/", html); // nothing loaded from disk paths
    }

    [Fact]
    public void Index_OtherModelManifestOnSameStore_IsClearError()
    {
        string manifest = Path.Combine(fixture.WorkingDirectory, "other.json");
        string modelDir = Path.Combine(AppContext.BaseDirectory, "models", "resnet18");
        File.WriteAllText(manifest, $$"""
            {"name":"resnet18-pad","graphs":[{"file":"{{modelDir}}/ResNetPreprocess.onnx","input":"OriginalInput","output":"PreprocessedInput"},
             {"file":"{{modelDir}}/ResNet18.onnx","input":"Input247","output":"Pooling395_Output_0"}],
             "inputWidth":224,"inputHeight":224,"resize":"pad","dimension":512}
            """);
        var result = fixture.Run("index", "catalog", "--store", "store", "--model", manifest);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("resnet18-pad", result.Stderr);
        Assert.Contains("holds vectors of model", result.Stderr);
    }

    [Fact]
    public void EvalAndSimilar_Rerank_AppliedAndDescribed_BadSpecIsUsageError()
    {
        var eval = fixture.Run("eval", "--store", "store", "--label-column", "class", "-k", "5", "--rerank", "kr(k1=5,shortlist=20)", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var report = JsonDocument.Parse(eval.Stdout).RootElement;
        Assert.Equal("kr(k1=5,k2=6,lambda=0.3,shortlist=20)", report.GetProperty("pipeline").GetString());
        Assert.Equal(27, report.GetProperty("overall").GetProperty("queries").GetInt32());
        // Measured mAP@5 0.207 on the 30-photo fixture; floor = measured − 0.03.
        Assert.True(report.GetProperty("overall").GetProperty("map_at_5").GetDouble() >= 0.18, report.GetProperty("overall").ToString());

        string id = "images/" + Path.GetFileName(Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).First());
        var similar = fixture.Run("similar", id, "-k", "4", "--rerank", "kr", "--store", "store", "--json");
        Assert.True(similar.ExitCode == 0, similar.Stderr);
        Assert.Equal(4, JsonDocument.Parse(similar.Stdout).RootElement.GetProperty("results").GetArrayLength());

        var bad = fixture.Run("similar", id, "--rerank", "kr(k9=1)", "--store", "store");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("kr(k9=1)", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_ShopperProtocol_JsonFiguresSavedPhotos_MissingBackgroundsIsUsageError()
    {
        string backgrounds = Path.Combine(fixture.WorkingDirectory, "shopper-backgrounds");
        Directory.CreateDirectory(backgrounds);
        foreach (string photo in RepositoryPaths.SampleImages().TakeLast(3)) File.Copy(photo, Path.Combine(backgrounds, Path.GetFileName(photo)), overwrite: true);
        string saved = Path.Combine(fixture.WorkingDirectory, "shopper-photos");

        var eval = fixture.Run("eval", "--store", "store", "--label-column", "class", "--protocol", "shopper", "--queries", "4", "--seed", "1",
            "--backgrounds", backgrounds, "--save-queries", saved, "--pipeline", "plain", "--pipeline", "aqe(2)", "--json");

        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var lines = eval.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length); // one JSON line per pipeline, over the same photos
        Assert.Equal("aqe(2,α=3)", JsonDocument.Parse(lines[1]).RootElement.GetProperty("pipeline").GetString());
        var report = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal("shopper", report.GetProperty("protocol").GetString());
        Assert.Equal("plain", report.GetProperty("pipeline").GetString());
        Assert.StartsWith(LookalikeComponents.NewStoreModel() + "@", report.GetProperty("model").GetString()); // the store's model, no --model given
        Assert.Equal(4, report.GetProperty("queries").GetInt32());
        // Measured with seed 1: R@10 1.0 (R@1 0.75), class mAP@10 0.431 (0.466 with α-QE); floors are one query and 0.05 lower.
        Assert.True(report.GetProperty("instance").GetProperty("recall_at_10").GetDouble() >= 0.75, report.ToString());
        Assert.True(report.GetProperty("class").GetProperty("map_at_10").GetDouble() >= 0.38, report.ToString());
        Assert.Equal(4, Directory.GetFiles(saved, "*.jpg").Length);

        var missing = fixture.Run("eval", "--store", "store", "--label-column", "class", "--protocol", "shopper");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--backgrounds", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_HoldoutReadoutRegions_LearnsFromTheRegions_ReadoutWithoutHoldoutIsUsageError()
    {
        var eval = fixture.Run("eval", "--store", "store", "--label-column", "class", "--holdout", "0.5", "--seed", "1",
            "--readout", "regions", "--epochs", "5", "--hidden", "64", "--json");

        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var report = JsonDocument.Parse(eval.Stdout).RootElement;
        Assert.Equal("plain", report.GetProperty("raw").GetProperty("pipeline").GetString());
        Assert.Equal("learned(head, regions)", report.GetProperty("learned").GetProperty("pipeline").GetString());
        // 30 photos are too few to ask for a gain (StoreLearningTests does, on 250); every held-out item is scored both ways.
        Assert.Equal(report.GetProperty("raw").GetProperty("overall").GetProperty("queries").GetInt32(),
            report.GetProperty("learned").GetProperty("overall").GetProperty("queries").GetInt32());
        Assert.Equal(JsonValueKind.Number, report.GetProperty("map_gain").ValueKind);
        Assert.Contains("readout: regions of 30 photos", eval.Stderr, StringComparison.Ordinal);

        var alone = fixture.Run("eval", "--store", "store", "--label-column", "class", "--readout", "regions");
        Assert.Equal(1, alone.ExitCode);
        Assert.Contains("--readout belongs to --holdout", alone.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_QueryViews_InDomainCatalogPhotos_OneLinePerViewList_BadViewIsUsageError()
    {
        var eval = fixture.Run("eval", "--store", "store", "--label-column", "class", "--queries", "4", "--seed", "1",
            "--query-views", "full", "--query-views", "full+zoom", "--json");

        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var lines = eval.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["full", "full+zoom"], lines.Select(l => l.GetProperty("query_views").GetString()));
        Assert.Equal([1, 2], lines.Select(l => l.GetProperty("network_runs").GetInt32()));
        Assert.All(lines, l => Assert.Equal("in-domain", l.GetProperty("protocol").GetString()));
        Assert.All(lines, l => Assert.Equal(JsonValueKind.Null, l.GetProperty("instance").ValueKind)); // own item excluded: no instance figures
        Assert.All(lines, l => Assert.Equal(4, l.GetProperty("queries").GetInt32()));

        var bad = fixture.Run("eval", "--store", "store", "--label-column", "class", "--query-views", "full+crop");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("'crop' is not one of", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void QueryCommands_TakeTheStoresModel_AnotherModelIsMismatch_ReindexKeepsIt()
    {
        string photo = Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).First();
        string outside = Path.Combine(fixture.WorkingDirectory, "outside-default.jpg");
        File.WriteAllBytes(outside, [.. File.ReadAllBytes(photo), 0, 0]); // not resolved to the catalog item: embedded

        // The default store (resnet18+gem3) answers photo queries without --model, from its recorded id …
        var similar = fixture.Run("similar", outside, "-k", "3", "--store", "store", "--json");
        Assert.True(similar.ExitCode == 0, similar.Stderr);
        Assert.Equal("images/" + Path.GetFileName(photo), JsonDocument.Parse(similar.Stdout).RootElement.GetProperty("results")[0].GetProperty("id").GetString());
        var recommend = fixture.Run("recommend", "--like", outside, "-k", "3", "--store", "store", "--json");
        Assert.True(recommend.ExitCode == 0, recommend.Stderr);
        // … and refuses the plain recipe, naming both models.
        var plain = fixture.Run("similar", outside, "--model", "resnet18", "--store", "store");
        Assert.Equal(2, plain.ExitCode);
        Assert.Contains(LookalikeComponents.NewStoreModel() + "@", plain.Stderr, StringComparison.Ordinal);
        Assert.Contains("'resnet18@", plain.Stderr, StringComparison.Ordinal);
        // Re-indexing without --model keeps the store's model (nothing re-embedded, no mismatch).
        var again = fixture.Run("index", "catalog", "--labels", "catalog/labels.csv", "--store", "store", "--json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(0, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("added").GetInt32());
    }

    [Fact]
    public void PlainStore_IndexedWithResnet18_KeepsPlainRecipe_QueriedWithoutModel()
    {
        var index = fixture.Run("index", "catalog", "--store", "plain", "--model", "resnet18", "--json");
        Assert.True(index.ExitCode == 0, index.Stderr);
        var info = fixture.Run("info", "--store", "plain", "--json");
        Assert.StartsWith("resnet18@", JsonDocument.Parse(info.Stdout).RootElement.GetProperty("model").GetString());
        string outside = RepositoryPaths.SampleImages()[^2]; // not among the 30 indexed
        var similar = fixture.Run("similar", outside, "-k", "2", "--store", "plain", "--json");
        Assert.True(similar.ExitCode == 0, similar.Stderr);
        var gem = fixture.Run("similar", outside, "--model", "resnet18+gem3", "--store", "plain");
        Assert.Equal(2, gem.ExitCode);
    }

    [Fact]
    public void Similar_PhotoWithFlipModelOnDefaultStore_IsModelMismatch()
    {
        string photo = Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).First();
        string outside = Path.Combine(fixture.WorkingDirectory, "outside-flip.jpg");
        File.WriteAllBytes(outside, [.. File.ReadAllBytes(photo), 0]); // other bytes (a byte after the JPEG's end): not resolved to the catalog item
        var result = fixture.Run("similar", outside, "--model", "resnet18+flip", "--store", "store");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("resnet18+flip@", result.Stderr, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part) => (text.Length - text.Replace(part, "", StringComparison.Ordinal).Length) / part.Length;
}

public class DemoTests
{
    [Fact]
    public void Demo_SampleCatalog_IndexesPrintsLookalikesWritesReport()
    {
        using var dir = new TempDirectory();
        var result = CliRunner.Run(dir.Path, "demo", "--samples", RepositoryPaths.Samples, "--no-serve");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("indexed 250 new", result.Stderr);
        Assert.Equal(3, result.Stdout.Split("Look-alikes of item").Length - 1);
        string html = File.ReadAllText(Path.Combine(dir.Path, "report.html"));
        Assert.Equal(10, html.Split("<section>").Length - 1); // one query per class
        Assert.True(Directory.Exists(Path.Combine(dir.Path, ".lookalike"))); // the embedded default store
    }
}
