using Lookalike.Core.Imaging;

namespace Lookalike.Core.Tests.Imaging;

/// <summary>The one image-signature sniffer, shared by the decoder (error kinds) and the server (stored uploads).</summary>
public sealed class ImageFormatTests
{
    [Fact]
    public void Sniff_KnownSignatures_NameTheirFormat()
    {
        Assert.Same(ImageFormat.Jpeg, ImageFormat.Sniff([0xFF, 0xD8, 0xFF, 0xE0]));
        Assert.Same(ImageFormat.Png, ImageFormat.Sniff([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]));
        Assert.Same(ImageFormat.Gif, ImageFormat.Sniff("GIF89a"u8));
        Assert.Same(ImageFormat.WebP, ImageFormat.Sniff("RIFF\0\0\0\0WEBPVP8 "u8));
        Assert.Same(ImageFormat.Bmp, ImageFormat.Sniff(BmpHeader(reserved: 0)));
    }

    [Fact]
    public void Sniff_BmLikeText_IsNotBmp()
    {
        // A text file starting "BM" (e.g. "BMW parts list") is not an image; nor is a BMP header with non-zero reserved
        // bytes or one cut before them. The decoder and the server used to disagree here.
        Assert.Null(ImageFormat.Sniff("BMW parts list, 2024"u8));
        Assert.Null(ImageFormat.Sniff(BmpHeader(reserved: 7)));
        Assert.Null(ImageFormat.Sniff("BM"u8));
    }

    [Fact]
    public void Sniff_HeaderBytes_CoverEverySignature()
    {
        var header = BmpHeader(reserved: 0);
        Assert.True(header.Length <= ImageFormat.HeaderBytes);
        Assert.Same(ImageFormat.Bmp, ImageFormat.Sniff(header.AsSpan(0, ImageFormat.HeaderBytes)));
    }

    private static byte[] BmpHeader(byte reserved)
    {
        // "BM", file size (4), reserved (4), pixel-data offset (4): the 14-byte BITMAPFILEHEADER.
        byte[] header = [(byte)'B', (byte)'M', 0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0];
        header[7] = reserved;
        return header;
    }
}
