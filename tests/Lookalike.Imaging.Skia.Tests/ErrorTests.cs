using System.Text;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Imaging.Skia.Tests.Support;
using Lookalike.TestKit.Imaging;
using SkiaSharp;
using static Lookalike.TestKit.Imaging.Pictures;

namespace Lookalike.Imaging.Skia.Tests;

/// <summary>Non-images, damaged images and truncated files fail with typed errors that name the file.</summary>
public sealed class ErrorTests
{
    private readonly SkiaImageDecoder _decoder = Expect.Decoder();

    private static byte[] PhotoLikeJpeg()
    {
        // Detailed enough that the entropy-coded scan is most of the file.
        using var bitmap = Make(160, 120, (x, y) => new SKColor((byte)(x * 7 ^ y * 3), (byte)(x * y), (byte)(x + y * 5)));
        return Jpeg(bitmap, quality: 90);
    }

    private static byte[] PhotoLikePng()
    {
        using var bitmap = Make(160, 120, (x, y) => new SKColor((byte)(x * 7 ^ y * 3), (byte)(x * y), (byte)(x + y * 5)));
        return Png(bitmap);
    }

    [Fact]
    public void Decode_EmptyData_ThrowsUnsupportedEmptyFile()
    {
        var ex = Expect.DecodeFailure(LookalikeErrorKind.UnsupportedImage, [], "uploads/empty.jpg");
        Assert.Contains("empty file", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Decode_RandomBytes_ThrowsUnsupported(int seed)
    {
        var data = new byte[4096];
        new Random(seed).NextBytes(data);
        Expect.DecodeFailure(LookalikeErrorKind.UnsupportedImage, data, $"random-{seed}.jpg");
    }

    public static TheoryData<string, string> NonImages => new()
    {
        { "notes.jpg", "These are my holiday notes, not a photo.\nLine two.\n" },
        { "page.png", "<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>" },
        { "vector.svg", "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\" fill=\"red\"/></svg>" },
        { "data.json", "{\"width\": 100, \"height\": 100}" },
        { "BM.txt", "BMW and BMX bikes: a list" },
    };

    [Theory]
    [MemberData(nameof(NonImages))]
    public void Decode_TextContent_ThrowsUnsupported(string name, string content) =>
        Expect.DecodeFailure(LookalikeErrorKind.UnsupportedImage, Encoding.UTF8.GetBytes(content), name);

    [Fact]
    public void Decode_ZipArchive_ThrowsUnsupported()
    {
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(zip.CreateEntry("photo.jpg").Open());
            entry.Write("not really");
        }
        Expect.DecodeFailure(LookalikeErrorKind.UnsupportedImage, stream.ToArray(), "photos.zip");
    }

    [Fact]
    public void Decode_IcoFile_ThrowsUnsupportedEvenThoughSkiaReadsIt()
    {
        using var bitmap = Solid(16, 16, Red);
        var ico = Damage.IcoWrapping(Png(bitmap), 16);
        using (var codec = SKCodec.Create(SKData.CreateCopy(ico)))
            Assert.Equal(SKEncodedImageFormat.Ico, codec?.EncodedFormat); // Skia would decode it...

        var ex = Expect.DecodeFailure(LookalikeErrorKind.UnsupportedImage, ico, "favicon.ico"); // ...we do not
        Assert.Contains("Ico", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.05)]
    [InlineData(0.25)]
    [InlineData(0.50)]
    [InlineData(0.75)]
    [InlineData(0.95)]
    public void Decode_JpegTruncatedInScan_ThrowsCorruptTruncated(double fraction)
    {
        var jpeg = PhotoLikeJpeg();
        int scan = JpegSurgery.ScanDataStart(jpeg);
        int cut = scan + (int)((jpeg.Length - 2 - scan) * fraction);

        var ex = Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, Damage.Truncate(jpeg, cut), "cut.jpg");
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(20)]
    [InlineData(100)]
    [InlineData(300)]
    public void Decode_JpegTruncatedInHeader_ThrowsCorrupt(int length)
    {
        var jpeg = PhotoLikeJpeg();
        Assert.True(length < JpegSurgery.ScanDataStart(jpeg));
        Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, Damage.Truncate(jpeg, length), "header-cut.jpg");
    }

    [Fact]
    public void Decode_SamplePhotoTruncatedInHalf_ThrowsCorrupt()
    {
        var (name, bytes) = Samples.First();
        Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, Damage.Truncate(bytes, bytes.Length / 2), name);
    }

    [Theory]
    [InlineData(0.10)]
    [InlineData(0.50)]
    [InlineData(0.90)]
    public void Decode_PngTruncatedInImageData_ThrowsCorruptTruncated(double fraction)
    {
        var png = PhotoLikePng();
        int idat = png.AsSpan().IndexOf("IDAT"u8) + 4;
        int cut = idat + (int)((png.Length - 12 - 4 - idat) * fraction);

        var ex = Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, Damage.Truncate(png, cut), "cut.png");
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(20)]
    [InlineData(33)]
    public void Decode_PngTruncatedInHeader_ThrowsCorrupt(int length) =>
        Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, Damage.Truncate(PhotoLikePng(), length), "header-cut.png");

    [Fact]
    public void Decode_GifTruncated_ThrowsCorrupt()
    {
        var indices = Enumerable.Range(0, 64 * 64).Select(i => (byte)(i % 3)).ToArray();
        var gif = GifWriter.Write(64, 64, [Red, Green, Blue], [indices]);
        Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, Damage.Truncate(gif, gif.Length / 2), "cut.gif");
    }

    [Fact]
    public void Decode_WebpTruncated_ThrowsCorrupt()
    {
        using var bitmap = Make(64, 64, (x, y) => new SKColor((byte)(x * 4), (byte)(y * 4), (byte)(x ^ y)));
        var webp = WebpLossy(bitmap);
        Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, Damage.Truncate(webp, webp.Length * 2 / 3), "cut.webp");
    }

    [Fact]
    public void Decode_BmpTruncated_ThrowsCorrupt()
    {
        using var bitmap = Solid(32, 32, Blue);
        var bmp = BmpWriter.Write(bitmap);
        Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, Damage.Truncate(bmp, bmp.Length / 2), "cut.bmp");
    }

    [Fact]
    public void Decode_JpegWithBogusHuffmanTable_ThrowsCorrupt()
    {
        var jpeg = PhotoLikeJpeg();
        int dht = JpegSurgery.FindMarker(jpeg, 0xC4);
        var broken = (byte[])jpeg.Clone();
        broken.AsSpan(dht + 5, 16).Fill(0xFF); // code counts far beyond what the segment holds

        Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, broken, "bogus-dht.jpg");
    }

    [Fact]
    public void Decode_PngHeaderBitFlipped_ThrowsCorrupt()
    {
        // A flipped bit in IHDR's width no longer matches the chunk CRC.
        var png = Damage.FlipBit(PhotoLikePng(), 16 + 3, 2);
        Expect.DecodeFailure(LookalikeErrorKind.CorruptImage, png, "flipped-header.png");
    }

    public static TheoryData<string> DamageableFormats => new() { "jpeg", "png", "gif", "webp", "bmp", "sample" };

    private static byte[] Original(string format)
    {
        using var bitmap = Make(48, 40, (x, y) => new SKColor((byte)(x * 5), (byte)(y * 6), (byte)(x ^ y)));
        return format switch
        {
            "jpeg" => Jpeg(bitmap),
            "png" => Png(bitmap),
            "webp" => WebpLossy(bitmap),
            "bmp" => BmpWriter.Write(bitmap),
            "gif" => GifWriter.Write(48, 40, [Red, Green, Blue, Yellow], [Enumerable.Range(0, 48 * 40).Select(i => (byte)(i % 4)).ToArray()]),
            _ => Samples.First().Bytes,
        };
    }

    [Theory]
    [MemberData(nameof(DamageableFormats))]
    public void Decode_RandomBitFlips_DecodesOrThrowsTypedError(string format)
    {
        var original = Original(format);
        var random = new Random(format.GetHashCode(StringComparison.Ordinal) ^ 12345);
        var target = new ImageTarget(32, 32, ResizeMode.CenterCrop);
        for (int i = 0; i < 150; i++)
        {
            var damaged = Damage.FlipBit(original, random.Next(original.Length), random.Next(8));
            Expect.DecodesOrFailsTyped(_decoder, damaged, $"flip-{format}-{i}.img", i % 2 == 0 ? target : null);
        }
    }

    [Theory]
    [MemberData(nameof(DamageableFormats))]
    public void Decode_TruncatedAtManyLengths_DecodesOrThrowsTypedError(string format)
    {
        var original = Original(format);
        for (int length = 1; length < original.Length; length += Math.Max(1, original.Length / 97))
            Expect.DecodesOrFailsTyped(_decoder, Damage.Truncate(original, length), $"cut-{format}-{length}.img");
    }

    [Fact]
    public void EncodeThumbnail_DamagedInputs_ThrowTypedErrors()
    {
        Expect.ThumbnailFailure(LookalikeErrorKind.UnsupportedImage, [], "empty.jpg");
        Expect.ThumbnailFailure(LookalikeErrorKind.UnsupportedImage, "hello"u8.ToArray(), "hello.jpg");
        var jpeg = PhotoLikeJpeg();
        Expect.ThumbnailFailure(LookalikeErrorKind.CorruptImage, Damage.Truncate(jpeg, jpeg.Length / 2), "half.jpg");
    }

    [Fact]
    public void Decode_NullSourceName_ThrowsArgumentNull() =>
        Assert.Throws<ArgumentNullException>(() => _decoder.Decode(PhotoLikePng(), null!));
}
