using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit.Imaging;
using SkiaSharp;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>All eight EXIF orientations, checked by where each coloured corner of a non-square photo lands.</summary>
public sealed class OrientationTests
{
    private const int StoredWidth = 64, StoredHeight = 32;
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();

    // Stored quadrant colours, then for each EXIF value the displayed corner (TL, TR, BL, BR) each stored corner lands in.
    public enum Corner { TL, TR, BL, BR }

    public static TheoryData<ushort, Corner, Corner, Corner, Corner> Orientations => new()
    {
        // value  stored TL → , TR →    , BL →    , BR →
        { 1, Corner.TL, Corner.TR, Corner.BL, Corner.BR }, // as stored
        { 2, Corner.TR, Corner.TL, Corner.BR, Corner.BL }, // mirrored left-right
        { 3, Corner.BR, Corner.BL, Corner.TR, Corner.TL }, // rotated 180°
        { 4, Corner.BL, Corner.BR, Corner.TL, Corner.TR }, // mirrored top-bottom
        { 5, Corner.TL, Corner.BL, Corner.TR, Corner.BR }, // transposed
        { 6, Corner.TR, Corner.BR, Corner.TL, Corner.BL }, // rotated 90° clockwise
        { 7, Corner.BR, Corner.TR, Corner.BL, Corner.TL }, // transverse
        { 8, Corner.BL, Corner.TL, Corner.BR, Corner.TR }, // rotated 90° anticlockwise
    };

    private static byte[] OrientedJpeg(ushort orientation)
    {
        using var bitmap = Quadrants(StoredWidth, StoredHeight, Red, Green, Blue, Yellow);
        return JpegSurgery.WithExifOrientation(Jpeg(bitmap), orientation);
    }

    private static (int X, int Y) Probe(Corner corner, int width, int height) => corner switch
    {
        Corner.TL => (4, 4),
        Corner.TR => (width - 5, 4),
        Corner.BL => (4, height - 5),
        _ => (width - 5, height - 5),
    };

    private static void AssertCorners(DecodedImage image, Corner red, Corner green, Corner blue, Corner yellow, int tolerance)
    {
        foreach (var (colour, corner) in new[] { (Red, red), (Green, green), (Blue, blue), (Yellow, yellow) })
        {
            var (x, y) = Probe(corner, image.Width, image.Height);
            AssertColor(colour, image, x, y, tolerance);
        }
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Decode_ExifOrientation_RotatesAndMirrorsToDisplayOrder(ushort orientation, Corner red, Corner green, Corner blue, Corner yellow)
    {
        var image = _decoder.Decode(OrientedJpeg(orientation), $"exif-{orientation}.jpg");

        bool swapped = orientation >= 5;
        Assert.Equal(swapped ? (StoredHeight, StoredWidth) : (StoredWidth, StoredHeight), (image.Width, image.Height));
        AssertCorners(image, red, green, blue, yellow, tolerance: 12);
    }

    [Theory]
    [MemberData(nameof(Orientations))]
    public void Decode_ExifOrientationWithTarget_OrientsBeforeFitting(ushort orientation, Corner red, Corner green, Corner blue, Corner yellow)
    {
        // Stretch to a 2:1 landscape target: quadrants stay quadrants whatever the rotation.
        var image = _decoder.Decode(OrientedJpeg(orientation), $"exif-{orientation}.jpg", new ImageTarget(40, 20, ResizeMode.Stretch));

        Assert.Equal((40, 20), (image.Width, image.Height));
        AssertCorners(image, red, green, blue, yellow, tolerance: 16);
    }

    [Fact]
    public void Decode_RotatedPortraitWithPad_PadsTheDisplayedShape()
    {
        // Stored landscape 64x32 with orientation 6 is displayed portrait 32x64: Pad to 32x32 leaves bars left and right.
        var image = _decoder.Decode(OrientedJpeg(6), "portrait.jpg", new ImageTarget(32, 32, ResizeMode.Pad));

        AssertColor(White, image, 0, 16);
        AssertColor(White, image, 31, 16);
        AssertColor(Blue, image, 10, 4, tolerance: 24); // stored bottom-left lands top-left
    }

    [Fact]
    public void Decode_OrientationValueOutOfRange_IsTreatedAsUpright()
    {
        var image = _decoder.Decode(OrientedJpeg(9), "exif-9.jpg");

        Assert.Equal((StoredWidth, StoredHeight), (image.Width, image.Height));
        AssertCorners(image, Corner.TL, Corner.TR, Corner.BL, Corner.BR, tolerance: 12);
    }

    [Theory]
    [InlineData(SKEncodedOrigin.TopLeft)]
    [InlineData(SKEncodedOrigin.TopRight)]
    [InlineData(SKEncodedOrigin.BottomRight)]
    [InlineData(SKEncodedOrigin.BottomLeft)]
    [InlineData(SKEncodedOrigin.LeftTop)]
    [InlineData(SKEncodedOrigin.RightTop)]
    [InlineData(SKEncodedOrigin.RightBottom)]
    [InlineData(SKEncodedOrigin.LeftBottom)]
    public void ToMatrix_AnyOrigin_MapsStoredRectangleOntoDisplayedRectangle(SKEncodedOrigin origin)
    {
        var matrix = Orientation.ToMatrix(origin, 6, 4);
        var displayed = Orientation.Displayed(new SKSizeI(6, 4), origin);

        var bounds = matrix.MapRect(SKRect.Create(6, 4));

        Assert.Equal(SKRect.Create(displayed.Width, displayed.Height), bounds);
    }
}
