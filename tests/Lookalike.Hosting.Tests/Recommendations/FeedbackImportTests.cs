using Lookalike.Core.Errors;
using Lookalike.Core.Feedback;
using Lookalike.Hosting.Recommendations;
using static Lookalike.TestKit.FeedbackData;

namespace Lookalike.Hosting.Tests.Recommendations;

public class FeedbackImportTests
{
    private static SyntheticStore HmLikeStore()
    {
        var random = new Random(81);
        string[] articles = ["0108775015", "0108775044", "0110065001", "0110065002"];
        return new SyntheticStore(articles.Select(a =>
            ($"images/{a}.jpg", RandomUnit(random, 4), (Dictionary<string, string>?)new Dictionary<string, string> { ["article_id"] = a, ["colour"] = "Black" })));
    }

    private static readonly FakeTime Clock = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Import_BrokenRows_AreReportedAndTheRestImported()
    {
        using var store = HmLikeStore();
        string csv = store.WriteFile("transactions.csv", """
            t_dat,customer_id,article_id,price
            2018-09-20,c1,0108775015,0.02
            2018-09-21,c1,0999999999,0.02
            not-a-date,c2,0108775044,0.01
            2018-09-22,,0110065001,0.01
            2018-09-22,c2,0110065002,0.01
            2018-09-23,c3,108775015,0.01
            """);
        var options = new FeedbackImportOptions { UserColumn = "customer_id", ItemColumn = "article_id", TimeColumn = "t_dat", Kind = FeedbackKind.Purchase };
        var result = FeedbackCsvImporter.Import(csv, options, store.Feedback, store.Resolver(), Clock);
        Assert.Equal(6, result.Rows);
        Assert.Equal(2, result.Imported);
        Assert.Equal([3, 4, 5, 7], result.Failures.Select(f => f.Line));
        Assert.Contains("unknown item '0999999999'", result.Failures[0].Message, StringComparison.Ordinal);
        Assert.Contains("bad time 'not-a-date'", result.Failures[1].Message, StringComparison.Ordinal);
        Assert.Contains("bad user", result.Failures[2].Message, StringComparison.Ordinal);
        Assert.Contains("unknown item '108775015'", result.Failures[3].Message, StringComparison.Ordinal); // leading zero matters

        var stored = store.Feedback.Read().ToList();
        Assert.Equal([I("images/0108775015.jpg"), I("images/0110065002.jpg")], stored.Select(e => e.Item));
        Assert.Equal(new DateTimeOffset(2018, 9, 20, 0, 0, 0, TimeSpan.Zero), stored[0].Time);
        Assert.Equal("transactions.csv:2", stored[0].Source);

        // Importing the same file again adds nothing.
        var again = FeedbackCsvImporter.Import(csv, options, store.Feedback, store.Resolver(), Clock);
        Assert.Equal(0, again.Imported);
        Assert.Equal(2, again.AlreadyImported);
        Assert.Equal(2, store.Feedback.GetStats().Events);
    }

    [Fact]
    public void Import_KindAndValueColumns_CheckValuesPerRow()
    {
        using var store = HmLikeStore();
        string csv = store.WriteFile("ratings.csv", """
            user;item;what;stars;other
            ann;0108775015;rating;4;
            ann;0108775044;rating;7;
            ann;0110065001;rating;many;
            ann;0110065001;shrug;;
            bob;0108775015;prefer;;0110065002
            bob;0108775015;prefer;;0108775015
            bob;0110065001;like;;
            """);
        var options = new FeedbackImportOptions { UserColumn = "user", ItemColumn = "item", KindColumn = "what", ValueColumn = "stars", OtherColumn = "other" };
        var result = FeedbackCsvImporter.Import(csv, options, store.Feedback, store.Resolver(), Clock);
        Assert.Equal(3, result.Imported);
        Assert.Equal([3, 4, 5, 7], result.Failures.Select(f => f.Line));
        Assert.Contains("rating must be a number from 1 to 5", result.Failures[0].Message, StringComparison.Ordinal);
        Assert.Contains("bad value 'many'", result.Failures[1].Message, StringComparison.Ordinal);
        Assert.Contains("unknown kind 'shrug'", result.Failures[2].Message, StringComparison.Ordinal);
        Assert.Contains("over itself", result.Failures[3].Message, StringComparison.Ordinal);
        var events = store.Feedback.Read().ToList();
        Assert.Equal(Clock.GetUtcNow(), events[0].Time); // no time column: the import time
        Assert.Equal(I("images/0110065002.jpg"), events[1].Other);
    }

    [Fact]
    public void Import_MissingColumn_IsUsageErrorNamingColumns()
    {
        using var store = HmLikeStore();
        string csv = store.WriteFile("t.csv", "a,b\n1,2\n");
        var e = Assert.Throws<LookalikeException>(() => FeedbackCsvImporter.Import(csv,
            new FeedbackImportOptions { UserColumn = "customer_id", ItemColumn = "b", Kind = FeedbackKind.Like }, store.Feedback, store.Resolver(), Clock));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("no column 'customer_id'", e.Message, StringComparison.Ordinal);
        Assert.Throws<LookalikeException>(() => FeedbackCsvImporter.Import(csv,
            new FeedbackImportOptions { UserColumn = "a", ItemColumn = "b" }, store.Feedback, store.Resolver(), Clock));
    }

    [Fact]
    public void Resolver_FormatMetadataAndFileStem()
    {
        using var store = HmLikeStore();
        Assert.Equal(I("images/0108775015.jpg"), store.Resolver().Resolve("0108775015"));
        Assert.Equal(I("images/0108775015.jpg"), store.Resolver().Resolve("images/0108775015.jpg"));
        Assert.Equal(I("images/0108775015.jpg"), store.Resolver(new ItemMapping { Format = "images/{0}.jpg" }).Resolve("0108775015"));
        Assert.Null(store.Resolver(new ItemMapping { Format = "{0}.jpg" }).Resolve("0108775015", out string? error));
        Assert.Contains("no item '0108775015.jpg'", error, StringComparison.Ordinal);
        Assert.Equal(I("images/0110065001.jpg"), store.Resolver(new ItemMapping { MetadataColumn = "article_id" }).Resolve(" 0110065001 "));
        Assert.Null(store.Resolver(new ItemMapping { MetadataColumn = "colour" }).Resolve("Black", out error));
        Assert.Contains("several items", error, StringComparison.Ordinal);
        Assert.Throws<LookalikeException>(() => store.Resolver(new ItemMapping { MetadataColumn = "size" }));
        Assert.Throws<LookalikeException>(() => store.Resolver(new ItemMapping { Format = "images/x.jpg" }));
    }

    [Theory]
    [InlineData("2020-09-22", "2020-09-22T00:00:00Z")]
    [InlineData("2020-09-22T10:30:00+02:00", "2020-09-22T08:30:00Z")]
    [InlineData("1600767000", "2020-09-22T09:30:00Z")]
    [InlineData("1600767000123", "2020-09-22T09:30:00.123Z")]
    [InlineData("20200922", "2020-09-22T00:00:00Z")]
    public void TryParseTime_AcceptsCommonForms(string text, string expected)
    {
        Assert.True(FeedbackCsvImporter.TryParseTime(text, null, out var time));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), time);
    }

    [Fact]
    public void TryParseTime_CustomFormatAndGarbage()
    {
        Assert.True(FeedbackCsvImporter.TryParseTime("22/09/2020", "dd/MM/yyyy", out var t));
        Assert.Equal(new DateTimeOffset(2020, 9, 22, 0, 0, 0, TimeSpan.Zero), t);
        Assert.False(FeedbackCsvImporter.TryParseTime("yesterday", null, out _));
        Assert.False(FeedbackCsvImporter.TryParseTime("99999999999999999", null, out _));
    }
}

/// <summary>A fixed clock.</summary>
internal sealed class FakeTime(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
