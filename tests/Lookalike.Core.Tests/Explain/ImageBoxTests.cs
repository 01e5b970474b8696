using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Core.Tests.Explain;

public sealed class ImageBoxTests
{
    [Fact]
    public void Resolve_PixelsAndFractions_SameRectangle()
    {
        Assert.Equal((100.0, 50.0, 200.0, 150.0), ImageBox.Parse("100,50,200,150", fractions: false).Resolve(800, 600));
        Assert.Equal((400.0, 0.0, 400.0, 600.0), ImageBox.Parse("0.5, 0, 0.5, 1", fractions: true).Resolve(800, 600));
    }

    [Theory]
    [InlineData("700,0,200,100", false, "outside the 800x600 photo")]
    [InlineData("0,0,10,100", false, "too small")]
    [InlineData("0,0,0.01,0.5", true, "too small")]
    public void Resolve_BadForThisPhoto_InvalidArgumentNamingBoxAndPhoto(string text, bool fractions, string why)
    {
        var e = Assert.Throws<LookalikeException>(() => ImageBox.Parse(text, fractions).Resolve(800, 600));
        Assert.Equal(("box", LookalikeErrorKind.InvalidArgument), (e.Subject, e.Kind));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputArea_CentreCropOfAPortraitPhoto_IsTheMiddleSquare()
    {
        var area = InputArea.Of(new ImageTarget(224, 224, ResizeMode.CenterCrop), 600, 800);
        Assert.Equal(new FractionRect(0, 0.125, 1, 0.75), area);
        var boxed = InputArea.Of(new ImageTarget(224, 224, ResizeMode.Stretch) { Box = ImageBox.Parse("0,0,300,400", false) }, 600, 800);
        Assert.Equal(new FractionRect(0, 0, 0.5, 0.5), boxed);
    }
}
