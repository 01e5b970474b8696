using System.Text.Json;

namespace Lookalike.Cli.Tests;

/// <summary><c>lookalike learn</c> through the real CLI, on a copy of the fixture's store (the others keep the raw space).</summary>
public sealed class LearnCliTests(IndexedCatalogFixture fixture) : IClassFixture<IndexedCatalogFixture>
{
    private JsonElement Info(string store)
    {
        var info = fixture.Run("info", "--store", store, "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        return JsonDocument.Parse(info.Stdout).RootElement;
    }

    private List<(string Id, double Score)> Similar(string store, string id)
    {
        var result = fixture.Run("similar", id, "-k", "5", "--store", store, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("id").GetString()!, r.GetProperty("score").GetDouble())).ToList();
    }

    [Fact]
    public void Learn_FromLabels_ShownInInfo_QueriesUseIt_BadInputKeepsIt_DropReturnsToRaw()
    {
        string store = fixture.CopyOfStore("learn-store");
        string id = "images/" + Path.GetFileName(Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).First());
        var raw = Similar(store, id);
        Assert.Equal(JsonValueKind.Null, Info(store).GetProperty("projection").ValueKind);

        var learn = fixture.Run("learn", "--label-column", "class", "--method", "lda", "--store", store);
        Assert.True(learn.ExitCode == 0, learn.Stderr);
        // The exact index's rows in the new space are written by learn, not by the first query.
        Assert.Single(Directory.GetFiles(Path.Combine(fixture.WorkingDirectory, store), "learned-*.f32"));
        var projection = Info(store).GetProperty("projection");
        Assert.Equal("lda", projection.GetProperty("method").GetString());
        Assert.Equal("labels", projection.GetProperty("source").GetString());
        Assert.Equal("class", projection.GetProperty("label_column").GetString());
        // Three photos are the only ones of their class: left out of learning, with a note.
        Assert.Equal(27, projection.GetProperty("items").GetInt32());
        Assert.Contains("note:", learn.Stderr, StringComparison.Ordinal);
        Assert.Equal(512, projection.GetProperty("input_dimension").GetInt32());
        Assert.Equal(projection.GetProperty("classes").GetInt32() - 1, projection.GetProperty("output_dimension").GetInt32());
        var learned = Similar(store, id);
        Assert.NotEqual(raw, learned); // the store now searches its learned space, without any option

        // A column nobody has: exit 1 naming it, and the learned space stays as it was.
        var bad = fixture.Run("learn", "--label-column", "no-such-column", "--store", store);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("no-such-column", bad.Stderr, StringComparison.Ordinal);
        Assert.Equal(projection.GetProperty("version").GetInt32(), Info(store).GetProperty("projection").GetProperty("version").GetInt32());
        Assert.Equal(learned, Similar(store, id));

        var conflicting = fixture.Run("learn", "--drop", "--label-column", "class", "--store", store);
        Assert.Equal(1, conflicting.ExitCode);
        Assert.Contains("--drop", conflicting.Stderr, StringComparison.Ordinal);

        var drop = fixture.Run("learn", "--drop", "--store", store);
        Assert.True(drop.ExitCode == 0, drop.Stderr);
        Assert.Empty(Directory.GetFiles(Path.Combine(fixture.WorkingDirectory, store), "learned-*"));
        Assert.Equal(JsonValueKind.Null, Info(store).GetProperty("projection").ValueKind);
        var back = Similar(store, id);
        Assert.Equal(raw.Select(r => r.Id), back.Select(r => r.Id));
        Assert.All(raw.Zip(back), p => Assert.Equal(p.First.Score, p.Second.Score, 5));
    }

    [Fact]
    public void RegionsModel_IndexLearnQuery_EvalScoresThePooledPart_WhatCannotUseRegionsExitsOne()
    {
        string store = "regions-" + Guid.NewGuid().ToString("N")[..8];
        var index = fixture.Run("index", "catalog", "--labels", "catalog/labels.csv", "--store", store, "--model", "resnet18+regions", "--precision", "fp32");
        Assert.True(index.ExitCode == 0, index.Stderr);
        var info = Info(store);
        Assert.Equal(5120, info.GetProperty("dimension").GetInt32());
        Assert.StartsWith("resnet18+regions@", info.GetProperty("model").GetString(), StringComparison.Ordinal);

        var learn = fixture.Run("learn", "--label-column", "class", "--epochs", "3", "--hidden", "64", "--store", store);
        Assert.True(learn.ExitCode == 0, learn.Stderr);
        Assert.Contains("epoch 3/3", learn.Stderr, StringComparison.Ordinal);
        var projection = Info(store).GetProperty("projection");
        Assert.Equal(5120, projection.GetProperty("input_dimension").GetInt32());
        Assert.Equal(512, projection.GetProperty("output_dimension").GetInt32());
        // An outside photo is embedded with its regions and mapped into the learned space.
        var indexed = Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Select(Path.GetFileName).ToHashSet();
        string outside = Lookalike.TestKit.RepositoryPaths.SampleImages().Last(f => !indexed.Contains(Path.GetFileName(f)));
        var hits = Similar(store, outside);
        Assert.Equal(5, hits.Count);
        Assert.All(hits, h => Assert.InRange(h.Score, -1.0, 1.0 + 1e-6));
        Assert.Equal(hits.Select(h => h.Score).OrderDescending(), hits.Select(h => h.Score));

        var lw = fixture.Run("learn", "--label-column", "class", "--method", "lw", "--store", store);
        Assert.Equal(1, lw.ExitCode);
        Assert.Contains("--method head", lw.Stderr, StringComparison.Ordinal);
        Assert.Equal(projection.GetProperty("version").GetInt32(), Info(store).GetProperty("projection").GetProperty("version").GetInt32());
        var views = fixture.Run("config", "--query-views", "full+zoom", "--store", store);
        Assert.Equal(1, views.ExitCode);
        Assert.Contains("only 'full' applies", views.Stderr, StringComparison.Ordinal);

        var eval = fixture.Run("eval", "--store", store, "--label-column", "class", "--holdout", "0.5", "--epochs", "3", "--hidden", "64", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var report = JsonDocument.Parse(eval.Stdout).RootElement;
        Assert.Equal(512, report.GetProperty("raw_pooled").GetProperty("dimension").GetInt32());
        Assert.Equal(5120, report.GetProperty("raw").GetProperty("dimension").GetInt32());
        double pooled = report.GetProperty("raw_pooled").GetProperty("overall").GetProperty("map_at_10").GetDouble();
        double learned = report.GetProperty("learned").GetProperty("overall").GetProperty("map_at_10").GetDouble();
        Assert.Equal(Math.Round(learned / pooled - 1, 5), report.GetProperty("map_gain_over_pooled").GetDouble(), 4);
    }
}
