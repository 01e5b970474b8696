using System.Text.Json;
using Lookalike.TestKit;

namespace Lookalike.Cli.Tests;

/// <summary><c>lookalike config --query-views</c> through the real CLI, on a copy of the fixture's store.</summary>
public sealed class ConfigCliTests(IndexedCatalogFixture fixture) : IClassFixture<IndexedCatalogFixture>
{
    private string Views(string store)
    {
        var info = fixture.Run("info", "--store", store, "--json");
        Assert.True(info.ExitCode == 0, info.Stderr);
        return JsonDocument.Parse(info.Stdout).RootElement.GetProperty("query_views").GetString()!;
    }

    private List<(string Id, double Score)> Similar(string store, string query)
    {
        var result = fixture.Run("similar", query, "-k", "5", "--store", store, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (r.GetProperty("id").GetString()!, r.GetProperty("score").GetDouble())).ToList();
    }

    [Fact]
    public void QueryViews_SetShownAndUsedByPhotoQueries_BadValueKeepsSetting_FullEmbedsWhole()
    {
        string store = fixture.CopyOfStore("config-store");
        var indexed = Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Select(Path.GetFileName).ToHashSet();
        // A sample photo the store does not hold: an outside photo query.
        string outside = RepositoryPaths.SampleImages().Last(f => !indexed.Contains(Path.GetFileName(f)));
        string item = "images/" + indexed.Order(StringComparer.Ordinal).First();
        // The fixture's store is new and indexed without --model: it records the default views of new stores.
        Assert.Equal("full+zoom*0.6", Views(store));
        var byDefault = Similar(store, outside);
        Assert.True(fixture.Run("config", "--query-views", "full", "--store", store).ExitCode == 0);
        Assert.Equal("full", Views(store));
        var plain = Similar(store, outside);
        Assert.True(Math.Abs(plain[0].Score - byDefault[0].Score) > 1e-4, $"the default's weighted zoom should move the photo query: top score {plain[0].Score} vs {byDefault[0].Score}");
        var plainItem = Similar(store, item);

        var set = fixture.Run("config", "--query-views", "FULL+zoom", "--store", store);
        Assert.True(set.ExitCode == 0, set.Stderr);
        Assert.Contains("full+zoom", set.Stdout, StringComparison.Ordinal);
        Assert.Equal("full+zoom", Views(store));
        var viewed = Similar(store, outside);
        Assert.True(Math.Abs(plain[0].Score - viewed[0].Score) > 1e-3, $"the zoom should move the photo query: top score {plain[0].Score} vs {viewed[0].Score}");
        Assert.Equal(plainItem, Similar(store, item)); // item queries use the stored vectors

        foreach (var (bad, named) in new[] { ("full+wide", "wide"), ("full+zoom:max", ":max"), ("", "query-views") })
        {
            var refused = fixture.Run("config", "--query-views", bad, "--store", store);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains(named, refused.Stderr, StringComparison.Ordinal);
            Assert.Equal("full+zoom", Views(store)); // nothing changed
        }

        var show = fixture.Run("config", "--store", store, "--json");
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Equal(2, JsonDocument.Parse(show.Stdout).RootElement.GetProperty("network_runs_per_photo_query").GetInt32());

        var reset = fixture.Run("config", "--query-views", "full", "--store", store);
        Assert.True(reset.ExitCode == 0, reset.Stderr);
        Assert.Equal("full", Views(store));
        var back = Similar(store, outside);
        Assert.Equal(plain.Select(r => r.Id), back.Select(r => r.Id));
        Assert.All(plain.Zip(back), p => Assert.Equal(p.First.Score, p.Second.Score, 5));
    }

    [Fact]
    public void NewStore_RecordsTheDefaultViews_WithModelOrExistingStore_KeepsFull()
    {
        // A new store given --model keeps the whole photo (the plain recipe stays the plain recipe).
        var named = fixture.Run("index", "catalog", "--store", "named-store", "--model", "resnet18", "--json");
        Assert.True(named.ExitCode == 0, named.Stderr);
        Assert.Equal("full", Views("named-store"));

        // A store made before the default (no setting recorded: the whole photo) keeps it when indexed again without --model.
        string existing = fixture.CopyOfStore("existing-store");
        Assert.True(fixture.Run("config", "--query-views", "full", "--store", existing).ExitCode == 0);
        var again = fixture.Run("index", "catalog", "--store", existing, "--json");
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal("full", Views(existing));

        // A new store without --model records the default, shown by info and config.
        string folder = Path.Combine(fixture.WorkingDirectory, "one-photo");
        Directory.CreateDirectory(folder);
        File.Copy(RepositoryPaths.SampleImages()[^1], Path.Combine(folder, "extra.jpg"));
        var fresh = fixture.Run("index", "one-photo", "--store", "fresh-store", "--json");
        Assert.True(fresh.ExitCode == 0, fresh.Stderr);
        Assert.Equal("full+zoom*0.6", Views("fresh-store"));
        var show = fixture.Run("config", "--store", "fresh-store", "--json");
        Assert.Equal(2, JsonDocument.Parse(show.Stdout).RootElement.GetProperty("network_runs_per_photo_query").GetInt32());
    }
}
