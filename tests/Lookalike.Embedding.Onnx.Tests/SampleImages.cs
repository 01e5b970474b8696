using Lookalike.Core.Imaging;
using SkiaSharp;

namespace Lookalike.Embedding.Onnx.Tests;

/// <summary>The repository's sample photos, decoded and fitted with SkiaSharp directly (not the product decoder).</summary>
internal static class SampleImages
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>The samples folder (holds labels.csv and images/).</summary>
    public static string Folder => Path.Combine(Root.Value, "samples");

    /// <summary>(path, class) for every sample, in labels.csv order.</summary>
    public static IReadOnlyList<(string Path, string Class)> All { get; } = File.ReadLines(Path.Combine(Folder, "labels.csv"))
        .Skip(1)
        .Select(line => line.Split(','))
        .Select(f => (Path.Combine(Folder, f[0]), f[1]))
        .ToList();

    /// <summary>The first <paramref name="count"/> sample paths (one of each class first, then round-robin).</summary>
    public static IReadOnlyList<string> Paths(int count) => All
        .GroupBy(s => s.Class)
        .SelectMany(g => g.Select((s, i) => (s.Path, Rank: i)))
        .OrderBy(s => s.Rank).ThenBy(s => s.Path, StringComparer.Ordinal)
        .Take(count)
        .Select(s => s.Path)
        .ToList();

    /// <summary>Decodes <paramref name="path"/> and fits it into <paramref name="target"/> as interleaved RGB24.</summary>
    public static DecodedImage Load(string path, ImageTarget target)
    {
        using SKBitmap? source = SKBitmap.Decode(path) ?? throw new InvalidOperationException($"SkiaSharp cannot decode {path}");
        using var image = SKImage.FromBitmap(source);
        var info = new SKImageInfo(target.Width, target.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);

        float w = source.Width, h = source.Height;
        SKRect src = SKRect.Create(w, h), dst = SKRect.Create(target.Width, target.Height);
        switch (target.Mode)
        {
            case ResizeMode.CenterCrop:
            {
                float scale = Math.Max(target.Width / w, target.Height / h);
                float cw = target.Width / scale, ch = target.Height / scale;
                src = SKRect.Create((w - cw) / 2, (h - ch) / 2, cw, ch);
                break;
            }
            case ResizeMode.Pad:
            {
                float scale = Math.Min(target.Width / w, target.Height / h);
                float dw = w * scale, dh = h * scale;
                dst = SKRect.Create((target.Width - dw) / 2, (target.Height - dh) / 2, dw, dh);
                break;
            }
        }
        using var paint = new SKPaint();
        canvas.DrawImage(image, src, dst, new SKSamplingOptions(SKCubicResampler.Mitchell), paint);

        canvas.Flush();
        ReadOnlySpan<byte> rgba = bitmap.GetPixelSpan(); // tightly packed: RowBytes == Width * 4
        byte[] rgb = new byte[target.Width * target.Height * 3];
        for (int i = 0, j = 0; i < rgb.Length; i += 3, j += 4)
        {
            rgb[i] = rgba[j];
            rgb[i + 1] = rgba[j + 1];
            rgb[i + 2] = rgba[j + 2];
        }
        return new DecodedImage(target.Width, target.Height, rgb);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "samples", "labels.csv")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No samples/labels.csv above {AppContext.BaseDirectory}");
    }
}
