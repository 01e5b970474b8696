using System.Text.Json;

namespace Lookalike.Cli.Tests;

/// <summary><c>lookalike explain</c>, <c>similar --box/--box-frac</c> and <c>report --explain</c> on a real store.</summary>
public sealed class ExplainCliTests(IndexedCatalogFixture fixture) : IClassFixture<IndexedCatalogFixture>
{
    [Fact]
    public void Explain_TwoItems_JsonGridsSumToTheScoreAndHtmlWritten()
    {
        var ids = Ids(2);
        var result = fixture.Run("explain", ids[0], ids[1], "--out", "x/explain.html", "--store", "store", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var root = JsonDocument.Parse(result.Stdout).RootElement;
        double score = root.GetProperty("score").GetDouble();
        // The fixture's store has the default recipe (resnet18+gem3): GeM pooling is split to first order, within 1%.
        Assert.Equal("first-order", root.GetProperty("method").GetString());
        foreach (string side in new[] { "query", "result" })
        {
            double sum = root.GetProperty(side).GetProperty("grid").EnumerateArray().SelectMany(r => r.EnumerateArray()).Sum(c => c.GetDouble());
            Assert.True(Math.Abs(sum - score) <= 0.01 * Math.Abs(score), $"{side} grid sums to {sum:0.0000}, score {score:0.0000}");
        }
        string html = File.ReadAllText(Path.Combine(fixture.WorkingDirectory, "x", "explain.html"));
        Assert.Equal(2, html.Split("class=\"heat\"").Length - 1);
        Assert.Equal(2 * 49, html.Split("<div style=\"background:hsla(").Length - 1);
        Assert.Equal(2, html.Split("data:image/jpeg;base64,").Length - 1);
    }

    [Fact]
    public void Explain_ImageFileAgainstItem_TableOnStdout()
    {
        var ids = Ids(2);
        var result = fixture.Run("explain", Path.Combine("catalog", ids[0]), ids[1], "--store", "store");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("score ", result.Stdout);
        Assert.Contains("first-order split", result.Stdout); // the default recipe pools by GeM
    }

    [Fact]
    public void Similar_BoxOnAnItem_LooksAlikesOfThatPart()
    {
        var ids = Ids(1);
        var whole = fixture.Run("similar", ids[0], "-k", "5", "--store", "store", "--json");
        var boxed = fixture.Run("similar", ids[0], "-k", "5", "--box-frac", "0,0,0.5,0.5", "--store", "store", "--json");
        Assert.True(boxed.ExitCode == 0, boxed.Stderr);
        var root = JsonDocument.Parse(boxed.Stdout).RootElement;
        Assert.Equal("0,0,0.5,0.5 (fractions)", root.GetProperty("query").GetProperty("box").GetString());
        Assert.NotEqual(whole.Stdout, boxed.Stdout);
    }

    [Theory]
    [InlineData("--box", "0,0,100000,20", "outside")]
    [InlineData("--box", "0,0,0,20", "empty")]
    [InlineData("--box", "0,0,5,5", "too small")]
    [InlineData("--box-frac", "0.5,0.5,0.6,0.2", "outside")]
    public void Similar_BadBox_Exit1NamingTheBox(string option, string value, string why)
    {
        var result = fixture.Run("similar", Path.Combine("catalog", Ids(1)[0]), "--store", "store", option, value);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(why, result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(value.Split(',')[0], result.Stderr, StringComparison.Ordinal);
        Assert.Contains("box", result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Report_Explain_OneExplanationPerLookalike()
    {
        var ids = Ids(1);
        var result = fixture.Run("report", ids[0], "-k", "3", "--explain", "--out", "r/explain-report.html", "--store", "store");
        Assert.True(result.ExitCode == 0, result.Stderr);
        string html = File.ReadAllText(Path.Combine(fixture.WorkingDirectory, "r", "explain-report.html"));
        Assert.Equal(3, html.Split("<div class=\"explain\">").Length - 1);
        Assert.Equal(3 * 2, html.Split("class=\"heat\"").Length - 1);
    }

    private string[] Ids(int n) =>
        Directory.GetFiles(Path.Combine(fixture.Catalog, "images")).Order(StringComparer.Ordinal).Take(n).Select(f => "images/" + Path.GetFileName(f)).ToArray();
}
