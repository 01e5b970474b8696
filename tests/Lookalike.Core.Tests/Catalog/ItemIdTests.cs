using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;

namespace Lookalike.Core.Tests.Catalog;

public class ItemIdTests
{
    [Theory]
    [InlineData("a.jpg")]
    [InlineData("images/10000.jpg")]
    [InlineData("deep/er/x y.png")]
    public void Parse_RelativePath_Accepted(string value) => Assert.Equal(value, ItemId.Parse(value).Value);

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("../secret.jpg")]
    [InlineData("a/../../b.jpg")]
    [InlineData("a//b.jpg")]
    [InlineData("a\\b.jpg")]
    [InlineData("./a.jpg")]
    [InlineData("a\0.jpg")]
    public void Parse_UnsafeOrMalformed_Rejected(string value)
    {
        var e = Assert.Throws<LookalikeException>(() => ItemId.Parse(value));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.False(ItemId.TryParse(value, out _));
    }

    [Fact]
    public void FromPath_InsideRoot_UsesForwardSlashes()
    {
        string root = Path.Combine(Path.GetTempPath(), "cat");
        Assert.Equal("sub/x.jpg", ItemId.FromPath(root, Path.Combine(root, "sub", "x.jpg"))!.Value.Value);
        Assert.Null(ItemId.FromPath(root, Path.Combine(Path.GetTempPath(), "other.jpg")));
    }
}
