using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using Lookalike.TestKit;
using SkiaSharp;

namespace Lookalike.TestKit.Imaging;

/// <summary>
/// A seeded corpus of hostile and odd image files (≥ 300): truncations at many offsets, bit flips, zero bytes,
/// random bytes behind real magic numbers, headers claiming 100000×100000 pixels, CMYK and YCCK JPEGs, 16-bit,
/// palette and interlaced PNGs, animated GIFs, giant EXIF blocks, HTML/SVG/ZIP/PDF polyglots, wrong extensions.
/// Each file has a unique name; <see cref="ValidImages"/> names those that are real images in their own right.
/// </summary>
public sealed class HostileCorpus
{
    public List<(string Name, byte[] Data)> Files { get; } = [];

    public HashSet<string> ValidImages { get; } = new(StringComparer.Ordinal);

    public static HostileCorpus Build(int seed = 11)
    {
        var corpus = new HostileCorpus();
        var rng = new Random(seed);
        var samples = RepositoryPaths.SampleImages();
        byte[] jpeg = File.ReadAllBytes(samples[0]);
        byte[] jpeg2 = File.ReadAllBytes(samples[samples.Count / 2]);
        using var bitmap = SKBitmap.Decode(jpeg);
        using var small = bitmap.Resize(new SKImageInfo(64, 80), new SKSamplingOptions(SKFilterMode.Linear));
        byte[] png = Pictures.Png(small);
        byte[] webp = Pictures.Encode(small, SKEncodedImageFormat.Webp, 80);
        byte[] bmp = BmpWriter.Write(small);
        byte[] gif = AnimatedGif(frames: 1);
        var bases = new (string Ext, byte[] Data)[] { (".jpg", jpeg), (".jpg", jpeg2), (".png", png), (".webp", webp), (".bmp", bmp), (".gif", gif) };

        // Valid but unusual images (must decode): odd formats, CMYK and YCCK JPEGs, a giant EXIF block, wrong extensions.
        corpus.Valid("animated.gif", AnimatedGif(frames: 4));
        corpus.Valid("palette.png", PalettePng());
        corpus.Valid("gray16.png", Gray16Png());
        corpus.Valid("interlaced.png", InterlacedPng(small));
        corpus.Valid("cmyk.jpg", JpegSurgery.AdobeCmyk([0, 255, 255, 0]));
        byte[] ycck = JpegSurgery.AdobeCmyk([255, 0, 255, 0]);
        ycck[17] = 2; // Adobe APP14 transform 2: YCCK
        corpus.Valid("ycck.jpg", ycck);
        corpus.Valid("giant-exif.jpg", WithGiantExif(jpeg, segments: 40));
        corpus.Valid("png-named.jpg", png);
        corpus.Valid("jpeg-named.gif", jpeg);
        corpus.Valid("webp-named.png", webp);

        // Truncations at 24 offsets of every base (early header bytes and spread over the body).
        foreach (var (ext, data) in bases)
        {
            var offsets = new SortedSet<int> { 0, 1, 2, 3, 4, 8, 12, 16, 24, 32, 64, 128, data.Length - 1, data.Length - 2 };
            while (offsets.Count < 24) offsets.Add(rng.Next(1, data.Length - 1));
            foreach (int length in offsets) corpus.Add($"trunc-{corpus.Files.Count}-{length}{ext}", Damage.Truncate(data, length));
        }
        // Bit flips: 18 per base, single and burst.
        foreach (var (ext, data) in bases)
        {
            for (int i = 0; i < 18; i++)
            {
                byte[] flipped = (byte[])data.Clone();
                int flips = i % 3 == 0 ? 1 : rng.Next(2, 64);
                for (int f = 0; f < flips; f++) flipped[rng.Next(flipped.Length)] ^= (byte)(1 << rng.Next(8));
                corpus.Add($"flip-{corpus.Files.Count}{ext}", flipped);
            }
        }
        // Zero bytes.
        corpus.Add("empty.jpg", []);
        corpus.Add("one-zero.png", [0]);
        corpus.Add("zeros-4k.jpg", new byte[4096]);
        foreach (var (ext, data) in bases)
        {
            byte[] holed = (byte[])data.Clone();
            Array.Clear(holed, holed.Length / 3, Math.Min(2048, holed.Length / 3));
            corpus.Add($"zero-hole-{corpus.Files.Count}{ext}", holed);
            byte[] tail = (byte[])data.Clone();
            Array.Clear(tail, tail.Length / 2, tail.Length - tail.Length / 2);
            corpus.Add($"zero-tail-{corpus.Files.Count}{ext}", tail);
        }
        // Random bytes behind valid magic numbers.
        var magics = new (string Ext, byte[] Magic)[]
        {
            (".jpg", [0xFF, 0xD8, 0xFF, 0xE0]), (".jpg", [0xFF, 0xD8, 0xFF, 0xC0]), (".png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            (".gif", "GIF89a"u8.ToArray()), (".gif", "GIF87a"u8.ToArray()), (".webp", [.. "RIFF"u8, 0x10, 0, 0, 0, .. "WEBPVP8 "u8]),
            (".bmp", "BM"u8.ToArray()), (".png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, .. "IHDR"u8]),
        };
        foreach (var (ext, magic) in magics)
        {
            foreach (int size in new[] { 16, 200, 5000, 70000 })
            {
                var data = new byte[magic.Length + size];
                rng.NextBytes(data);
                magic.CopyTo(data, 0);
                corpus.Add($"magic-{corpus.Files.Count}{ext}", data);
            }
        }
        // Headers claiming huge sizes (decompression bombs).
        corpus.Add("bomb-100000.png", PngWriter.Bomb(100_000, 100_000));
        corpus.Add("bomb-wide.png", PngWriter.Bomb(1_000_000, 1));
        corpus.Add("bomb-int-max.png", PngWriter.Bomb(int.MaxValue, int.MaxValue));
        corpus.Add("bomb.gif", GifWriter.Bomb(65_535, 65_535));
        corpus.Add("bomb-65500.jpg", JpegSurgery.WithFrameSize(jpeg, 65_500, 65_500));
        corpus.Add("bomb-zero.jpg", JpegSurgery.WithFrameSize(jpeg, 0, 0));
        byte[] bmpBomb = (byte[])bmp.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(bmpBomb.AsSpan(18), 100_000);
        BinaryPrimitives.WriteInt32LittleEndian(bmpBomb.AsSpan(22), 100_000);
        corpus.Add("bomb.bmp", bmpBomb);
        byte[] bmpNegative = (byte[])bmp.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(bmpNegative.AsSpan(18), -5);
        corpus.Add("negative.bmp", bmpNegative);
        // Polyglots and other containers.
        corpus.Add("page.jpg", Encoding.UTF8.GetBytes("<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>"));
        corpus.Add("vector.png", Encoding.UTF8.GetBytes("<svg xmlns='http://www.w3.org/2000/svg' width='100000' height='100000'><rect width='100%' height='100%'/></svg>"));
        corpus.Add("svg.svg.jpg", Encoding.UTF8.GetBytes("<?xml version='1.0'?><!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><svg>&x;</svg>"));
        corpus.Add("archive.jpg", ZipOf(jpeg));
        corpus.Add("jpeg-then-zip.jpg", [.. jpeg, .. ZipOf(png)]);
        corpus.Add("gif-then-html.gif", [.. gif, .. Encoding.UTF8.GetBytes("<script>alert(1)</script>")]);
        corpus.Add("html-then-jpeg.jpg", [.. Encoding.UTF8.GetBytes("<html>"), .. jpeg]);
        corpus.Add("pdf.png", Encoding.UTF8.GetBytes("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF"));
        corpus.Add("ico.png", Damage.IcoWrapping(png, 64));
        corpus.Add("text.gif", Encoding.UTF8.GetBytes(new string('A', 10_000)));
        var random = new byte[100_000];
        rng.NextBytes(random);
        corpus.Add("random.webp", random);
        return corpus;
    }

    private void Add(string name, byte[] data) => Files.Add((name, data));

    private void Valid(string name, byte[] data)
    {
        Add(name, data);
        ValidImages.Add(name);
    }

    private static byte[] AnimatedGif(int frames)
    {
        SKColor[] palette = [Pictures.Red, Pictures.Green, Pictures.Blue, Pictures.Yellow];
        var list = new List<byte[]>();
        for (int f = 0; f < frames; f++)
        {
            var indices = new byte[32 * 24];
            for (int i = 0; i < indices.Length; i++) indices[i] = (byte)((i / 32 + f) % 4);
            list.Add(indices);
        }
        return GifWriter.Write(32, 24, palette, list);
    }

    private static byte[] PalettePng()
    {
        var rows = Enumerable.Range(0, 16).Select(y => Enumerable.Range(0, 16).Select(x => (byte)((x + y) % 3)).ToArray()).ToList();
        return PngWriter.Write(16, 16, PngWriter.Palette, 8, rows, palette: [255, 0, 0, 0, 255, 0, 0, 0, 255]);
    }

    private static byte[] Gray16Png()
    {
        var rows = Enumerable.Range(0, 16).Select(y =>
        {
            var row = new byte[32];
            for (int x = 0; x < 16; x++) BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(2 * x), (ushort)(x * 4000 + y));
            return row;
        }).ToList();
        return PngWriter.Write(16, 16, PngWriter.Gray, 16, rows);
    }

    /// <summary>An Adam7-interlaced 8-bit RGB PNG of <paramref name="bitmap"/>.</summary>
    private static byte[] InterlacedPng(SKBitmap bitmap)
    {
        int w = bitmap.Width, h = bitmap.Height;
        (int X0, int Y0, int Dx, int Dy)[] passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        using var raw = new MemoryStream();
        foreach (var (x0, y0, dx, dy) in passes)
        {
            if (x0 >= w || y0 >= h) continue;
            for (int y = y0; y < h; y += dy)
            {
                raw.WriteByte(0); // filter: none
                for (int x = x0; x < w; x += dx)
                {
                    var c = bitmap.GetPixel(x, y);
                    raw.Write([c.Red, c.Green, c.Blue]);
                }
            }
        }
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(z);
        byte[] ihdr = PngWriter.Header(w, h, PngWriter.Rgb, 8);
        ihdr[12] = 1; // interlace method: Adam7
        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        PngWriter.WriteChunk(output, "IHDR", ihdr);
        PngWriter.WriteChunk(output, "IDAT", compressed.ToArray());
        PngWriter.WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>The JPEG with <paramref name="segments"/> maximal (64 KiB) APP1 Exif segments after SOI: ~2.6 MB of EXIF.</summary>
    private static byte[] WithGiantExif(byte[] jpeg, int segments)
    {
        using var output = new MemoryStream();
        output.Write(jpeg.AsSpan(0, 2));
        var payload = new byte[65_533];
        "Exif\0\0MM\0*\0\0\0\u0008"u8.CopyTo(payload);
        for (int i = 0; i < segments; i++)
        {
            output.Write([0xFF, 0xE1, 0xFF, 0xFF]);
            output.Write(payload);
        }
        output.Write(jpeg.AsSpan(2));
        return output.ToArray();
    }

    private static byte[] ZipOf(byte[] content)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("image.jpg").Open();
            entry.Write(content);
        }
        return output.ToArray();
    }
}
