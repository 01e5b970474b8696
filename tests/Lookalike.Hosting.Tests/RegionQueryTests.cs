using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using SkiaSharp;

namespace Lookalike.Hosting.Tests;

/// <summary>Region queries with the real model: a box on a photo finds the look-alikes of what is in the box.</summary>
[Collection(IndexedSamplesCollection.Name)]
public sealed class RegionQueryTests(IndexedSamplesFixture fixture)
{
    [Theory]
    [InlineData("dress", "shoes")]
    [InlineData("hat", "pants")]
    public void SimilarToImage_BoxOnOneHalfOfTwoItemsSideBySide_ThatItemsLookAlikesFirst(string leftClass, string rightClass)
    {
        CatalogItem left = FirstOfClass(leftClass), right = FirstOfClass(rightClass);
        byte[] composed = SideBySide(left.Path, right.Path, side: 320);

        var leftHits = fixture.Query.SimilarToImage(composed, "composed.jpg", 10, null, ImageBox.Parse("0,0,320,320", fractions: false)).Results;
        var rightHits = fixture.Query.SimilarToImage(composed, "composed.jpg", 10, null, ImageBox.Parse("0.5,0,0.5,1", fractions: true)).Results;

        Assert.Equal(left.Id.Value, leftHits[0].Id);
        Assert.Equal(right.Id.Value, rightHits[0].Id);
        // The rest of each list is the boxed item's look-alikes, not the other half's.
        var leftLookalikes = fixture.Query.SimilarToItem(left.Id, 10).Results.Select(r => r.Id).ToHashSet();
        var rightLookalikes = fixture.Query.SimilarToItem(right.Id, 10).Results.Select(r => r.Id).ToHashSet();
        Assert.True(leftHits.Skip(1).Count(h => leftLookalikes.Contains(h.Id)) > leftHits.Skip(1).Count(h => rightLookalikes.Contains(h.Id)));
        Assert.True(rightHits.Skip(1).Count(h => rightLookalikes.Contains(h.Id)) > rightHits.Skip(1).Count(h => leftLookalikes.Contains(h.Id)));
        Assert.Equal("0,0,320,320", fixture.Query.SimilarToImage(composed, "composed.jpg", 1, null, ImageBox.Parse("0,0,320,320", false)).Query.Box);
    }

    [Fact]
    public void SimilarToItemRegion_BoxOnACatalogItem_ExcludesTheItemAndDiffersFromTheWholePhoto()
    {
        CatalogItem item = FirstOfClass("outwear");
        var whole = fixture.Query.SimilarToItem(item.Id, 10).Results.Select(r => r.Id).ToList();
        var region = fixture.Query.SimilarToItemRegion(item.Id, ImageBox.Parse("0,0,0.4,0.4", fractions: true), 10).Results.Select(r => r.Id).ToList();
        Assert.DoesNotContain(item.Id.Value, region);
        Assert.NotEqual(whole, region);
    }

    [Theory]
    [InlineData("0,0,5000,10", false, "outside")]
    [InlineData("-1,0,50,50", false, "outside")]
    [InlineData("10,10,0,40", false, "empty")]
    [InlineData("10,10,8,8", false, "too small")]
    [InlineData("0.9,0,0.2,0.5", true, "outside")]
    [InlineData("0,0,0.01,0.5", true, "too small")]
    [InlineData("1,2,3", false, "four numbers")]
    public void SimilarToImage_BadBox_InvalidArgumentNamingTheBox(string box, bool fractions, string why)
    {
        CatalogItem item = FirstOfClass("skirt");
        byte[] photo = File.ReadAllBytes(item.Path);
        var e = Assert.Throws<LookalikeException>(() => fixture.Query.SimilarToImage(photo, "photo.jpg", 5, null, ImageBox.Parse(box, fractions)));
        Assert.Equal(LookalikeErrorKind.InvalidArgument, e.Kind);
        Assert.Equal("box", e.Subject);
        Assert.Contains(why, e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(box.Split(',')[0], e.Message, StringComparison.Ordinal);
    }

    private CatalogItem FirstOfClass(string label) =>
        fixture.Store.ReadAll(withVectors: false).Where(i => i.Metadata.TryGetValue("class", out var c) && c == label)
            .OrderBy(i => i.Id.Value, StringComparer.Ordinal).First();

    /// <summary>Two photos, each centre-cropped to a <paramref name="side"/>-pixel square, left and right in one JPEG.</summary>
    internal static byte[] SideBySide(string leftPath, string rightPath, int side)
    {
        using var canvasBitmap = new SKBitmap(2 * side, side);
        using (var canvas = new SKCanvas(canvasBitmap))
        {
            canvas.Clear(SKColors.White);
            string[] paths = [leftPath, rightPath];
            for (int i = 0; i < 2; i++)
            {
                using var photo = SKBitmap.Decode(paths[i]);
                int s = Math.Min(photo.Width, photo.Height);
                var source = SKRect.Create((photo.Width - s) / 2f, (photo.Height - s) / 2f, s, s);
                using var image = SKImage.FromBitmap(photo);
                canvas.DrawImage(image, source, SKRect.Create(i * side, 0, side, side), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            }
        }
        using var encoded = SKImage.FromBitmap(canvasBitmap).Encode(SKEncodedImageFormat.Jpeg, 92);
        return encoded.ToArray();
    }
}
