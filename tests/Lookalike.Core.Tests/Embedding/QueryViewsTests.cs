using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Tests.Embedding;

public sealed class QueryViewsTests
{
    [Theory]
    [InlineData("full", "full", 1, 1)]
    [InlineData("mask", "mask", 1, 1)]
    [InlineData("loc", "loc", 2, 1)]
    [InlineData("full+loc", "full+loc", 2, 2)]
    [InlineData(" Full + LOC : Max ", "full+loc:max", 2, 2)]
    [InlineData("full+zoom:mean", "full+zoom", 2, 2)]
    [InlineData("full+corners:max", "full+corners:max", 5, 5)]
    [InlineData("full+mask+loc", "full+mask+loc", 2, 3)]
    [InlineData("full+zoom:auto", "full+zoom:auto", 2, 2)]
    [InlineData("full + zoom : mean : auto", "full+zoom:auto", 2, 2)]
    [InlineData("full+corners:max:auto", "full+corners:max:auto", 5, 5)]
    [InlineData("full+zoom*0.6", "full+zoom*0.6", 2, 2)]
    [InlineData("full+zoom*1", "full+zoom", 2, 2)]
    public void Parse_PrintsBackAndCountsRuns(string text, string printed, int runs, int vectors)
    {
        var views = QueryViews.Parse(text);
        Assert.Equal(printed, views.ToString());
        Assert.Equal(views, QueryViews.Parse(views.ToString()));
        Assert.Equal(runs, views.NetworkRuns);
        Assert.Equal(vectors, views.VectorCount);
        Assert.Equal(printed == "full", views.IsFull);
    }

    [Theory]
    [InlineData("", "'' is not one of")]
    [InlineData("full+crop", "'crop' is not one of")]
    [InlineData("full+full", "name full twice")]
    [InlineData("full:median", "'median' is not mean or max")]
    [InlineData("full+zoom:auto:auto", "'auto' is not mean or max (once), then auto (once)")]
    [InlineData("full:auto", "needs full and another view")]
    [InlineData("zoom+corners:auto", "needs full and another view")]
    [InlineData("full+zoom*0", "must be a number above 0 and at most 1")]
    [InlineData("full+zoom*1.5", "must be a number above 0 and at most 1")]
    [InlineData("full+zoom*x", "must be a number above 0 and at most 1")]
    [InlineData("full+zoom*0.5:max", "weights apply to the mean")]
    public void Parse_Bad_NamesTheOptionAndTheCause(string text, string cause)
    {
        var e = Assert.Throws<LookalikeException>(() => QueryViews.Parse(text));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("query-views", e.Subject);
        Assert.Contains(cause, e.Message);
    }

    [Fact]
    public void Auto_PlainBorderedPhotoTakesTheWholePhotoOnly_BusyOneAllViews()
    {
        var views = QueryViews.Parse("full+zoom:auto");
        Assert.True(views.OnlyWhenBusy);
        Assert.Equal([QueryView.Full], views.ViewsFor(busyBorder: false));
        Assert.Equal([QueryView.Full, QueryView.Zoom], views.ViewsFor(busyBorder: true));
        Assert.Equal([QueryView.Full, QueryView.Zoom], QueryViews.Parse("full+zoom").ViewsFor(busyBorder: false));
        Assert.NotEqual(QueryViews.Parse("full+zoom"), views);
    }

    [Fact]
    public void Weights_DefaultOne_WrittenOnesKept_PartOfEquality()
    {
        var weighted = QueryViews.Parse("full+zoom*0.6");
        Assert.Equal(1f, weighted.WeightOf(QueryView.Full));
        Assert.Equal(0.6f, weighted.WeightOf(QueryView.Zoom));
        Assert.NotEqual(QueryViews.Parse("full+zoom"), weighted);
        Assert.Equal(QueryViews.Parse("full+zoom*1"), QueryViews.Parse("full+zoom"));
    }
}
