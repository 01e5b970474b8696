using System.Diagnostics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Hosting.Learning;

/// <summary>Embeds the <see cref="TrainingViews"/> of learning items' photos (<c>learn --augment</c>).</summary>
public static class TrainingViewEmbedder
{
    /// <summary>
    /// The extra unit vectors of every item whose photo could be read, in a fixed order per item (flip; zoom; zoom
    /// flipped). Items whose photo is missing or unreadable get none and are named in <paramref name="notes"/>.
    /// </summary>
    /// <exception cref="LookalikeException">InvalidArgument naming <c>augment</c> when no photo could be read (e.g. a store of imported vectors).</exception>
    public static Dictionary<ItemId, float[][]> Embed(IReadOnlyList<CatalogItem> items, TrainingViews views, IImageEmbedder embedder,
        IImageDecoder decoder, List<string> notes, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(decoder);
        var result = new Dictionary<ItemId, float[][]>();
        if (views == TrainingViews.None || items.Count == 0) return result;
        var watch = Stopwatch.StartNew();
        var gate = new object();
        var failed = new List<string>();
        int done = 0;
        Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, item =>
        {
            float[][] vectors;
            try
            {
                vectors = EmbedOne(File.ReadAllBytes(item.Path), item.Path, views, embedder, decoder);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or LookalikeException or ArgumentException)
            {
                lock (gate) failed.Add($"{item.Id} ({e.Message})");
                return;
            }
            lock (gate)
            {
                result[item.Id] = vectors;
                if (++done % 500 == 0) progress?.Report($"augment: {done:N0}/{items.Count:N0} photos in {watch.Elapsed.TotalSeconds:0} s");
            }
        });
        if (result.Count == 0)
            throw LookalikeException.InvalidArgument("augment",
                $"--augment re-embeds the learning items' photos, and none of the {items.Count:N0} could be read (first: {failed.Order(StringComparer.Ordinal).FirstOrDefault()}); a store of imported vectors learns without --augment.");
        if (failed.Count > 0)
            notes.Add($"{failed.Count} learning item(s) without augmented views (photo unreadable): {string.Join(", ", failed.Order(StringComparer.Ordinal).Take(3))}{(failed.Count > 3 ? ", …" : "")}");
        progress?.Report($"augment: {TrainingViewsText.Format(views)} views of {result.Count:N0} photos in {watch.Elapsed.TotalSeconds:0.0} s");
        return result;
    }

    private static float[][] EmbedOne(byte[] photo, string name, TrainingViews views, IImageEmbedder embedder, IImageDecoder decoder)
    {
        var vectors = new List<float[]>(3);
        if (views.HasFlag(TrainingViews.Flip))
        {
            var whole = decoder.Decode(photo, name, embedder.Target);
            vectors.Add(Run(embedder, Mirror(whole)));
        }
        if (views.HasFlag(TrainingViews.Zoom))
        {
            var probe = decoder.Decode(photo, name, embedder.Target);
            var zoom = decoder.Decode(photo, name, embedder.Target with { Box = QueryViews.ZoomBox(probe.SourceWidth, probe.SourceHeight) });
            vectors.Add(Run(embedder, zoom));
            if (views.HasFlag(TrainingViews.Flip)) vectors.Add(Run(embedder, Mirror(zoom)));
        }
        return vectors.ToArray();
    }

    private static float[] Run(IImageEmbedder embedder, DecodedImage image)
    {
        var vector = new float[embedder.Dimension];
        embedder.Embed(image, vector);
        return vector;
    }

    /// <summary>The image mirrored left to right.</summary>
    public static DecodedImage Mirror(DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var pixels = new byte[image.Pixels.Length];
        int width = image.Width, rowBytes = width * 3;
        for (int y = 0; y < image.Height; y++)
        {
            int row = y * rowBytes;
            for (int x = 0; x < width; x++)
            {
                int from = row + (width - 1 - x) * 3, to = row + x * 3;
                pixels[to] = image.Pixels[from];
                pixels[to + 1] = image.Pixels[from + 1];
                pixels[to + 2] = image.Pixels[from + 2];
            }
        }
        return new DecodedImage(image.Width, image.Height, pixels) { SourceWidth = image.SourceWidth, SourceHeight = image.SourceHeight };
    }
}
