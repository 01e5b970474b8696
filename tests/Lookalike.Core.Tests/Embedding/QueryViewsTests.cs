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
    public void Parse_Bad_NamesTheOptionAndTheCause(string text, string cause)
    {
        var e = Assert.Throws<LookalikeException>(() => QueryViews.Parse(text));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("query-views", e.Subject);
        Assert.Contains(cause, e.Message);
    }
}
