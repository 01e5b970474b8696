using Lookalike.Core.Errors;
using Lookalike.Core.Search;

namespace Lookalike.Core.Tests.Search;

public class ItemFilterTests
{
    private static readonly Dictionary<string, string> Shoe = new() { ["class"] = "shoes", ["colour"] = "Black" };

    [Fact]
    public void Matches_SameColumnTwice_IsOr()
    {
        var filter = ItemFilter.Parse(["class=shoes", "class=hat"]);
        Assert.True(filter.Matches(Shoe));
    }

    [Fact]
    public void Matches_DifferentColumns_IsAndAndCaseInsensitive()
    {
        Assert.True(ItemFilter.Parse(["CLASS=Shoes", "colour=black"]).Matches(Shoe));
        Assert.False(ItemFilter.Parse(["class=shoes", "colour=red"]).Matches(Shoe));
        Assert.False(ItemFilter.Parse(["size=42"]).Matches(Shoe));
    }

    [Fact]
    public void Parse_ColonSeparator_ForHttp()
    {
        Assert.True(ItemFilter.Parse(["class:shoes"], ':').Matches(Shoe));
    }

    [Theory]
    [InlineData("class")]
    [InlineData("=shoes")]
    [InlineData("class=")]
    [InlineData(" = ")]
    public void Parse_Malformed_NamesTheCondition(string condition)
    {
        var e = Assert.Throws<LookalikeException>(() => ItemFilter.Parse([condition]));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("where", e.Subject);
    }
}
