using System.Numerics.Tensors;
using Lookalike.Core.Embedding;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Evaluation;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests.Evaluation;

/// <summary>
/// The per-photo and weighted query views with the real model on real photos: <c>:auto</c> zooms a photo whose border
/// is a scene and embeds a plain-backdrop photo whole; a weight scales the zoom in the mean. Each answer equals the
/// combination computed apart from the single views.
/// </summary>
[Collection(IndexedSamplesCollection.Name)]
public sealed class QueryViewChoiceTests(IndexedSamplesFixture fixture)
{
    // Two sample photos: a garment on a patterned surface filling the frame (border busy), and one on a plain backdrop.
    private static string Sample(string name) => RepositoryPaths.SampleImages().Single(p => Path.GetFileName(p) == name);
    private static readonly string Busy = Sample("0028956e-9962-46f0-ad45-2c42f8a59d94.jpg");
    private static readonly string Plain = Sample("00f6e504-7c27-438e-a5d7-bc65e557bb2b.jpg");

    [Fact]
    public void Auto_BusyBorderedPhotoTakesTheZoom_PlainBackdropPhotoIsEmbeddedWhole()
    {
        using var reader = LookalikeComponents.CreateFeatureMapReader(fixture.Embedder.Model);
        var embedder = new QueryViewEmbedder(reader, fixture.Decoder);
        var auto = QueryViews.Parse("full+zoom:auto");

        foreach (var (path, busy) in new[] { (Busy, true), (Plain, false) })
        {
            byte[] photo = File.ReadAllBytes(path);
            Assert.Equal(busy, BorderClutter.IsBusy(fixture.Decoder.Decode(photo, path, BorderClutter.Target)));
            var rows = embedder.Embed(photo, path, [auto, QueryViews.Parse("full"), QueryViews.Parse("zoom")], out bool? measured);
            Assert.Equal(busy, measured);
            float[] full = rows[1][0], zoom = rows[2][0];
            float[] expected = busy ? Normalised(Add(full, zoom, 1)) : full;
            Assert.Equal(expected, rows[0][0], (a, b) => Math.Abs(a - b) < 1e-6f);
            Assert.True(busy == Math.Abs(TensorPrimitives.Dot(rows[0][0], full) - 1) > 1e-4, "only the busy photo's query moves away from the whole photo");
        }

        // Without ':auto' nothing is measured and the plain photo is zoomed too.
        embedder.Embed(File.ReadAllBytes(Plain), Plain, [QueryViews.Parse("full+zoom")], out bool? notMeasured);
        Assert.Null(notMeasured);
    }

    [Fact]
    public void Weighted_TheZoomCountsItsWeightInTheMean()
    {
        using var reader = LookalikeComponents.CreateFeatureMapReader(fixture.Embedder.Model);
        var embedder = new QueryViewEmbedder(reader, fixture.Decoder);
        byte[] photo = File.ReadAllBytes(Busy);
        var rows = embedder.Embed(photo, Busy, [QueryViews.Parse("full+zoom*0.6"), QueryViews.Parse("full"), QueryViews.Parse("zoom")]);
        float[] expected = Normalised(Add(rows[1][0], rows[2][0], 0.6f));
        Assert.Equal(expected, rows[0][0], (a, b) => Math.Abs(a - b) < 1e-6f);
        Assert.Equal(1, TensorPrimitives.Norm(rows[0][0]), 4);
        // Between the whole photo and the unweighted mean: closer to the whole photo than full+zoom is.
        float[] even = embedder.Embed(photo, Busy, [QueryViews.Parse("full+zoom")])[0][0];
        Assert.True(TensorPrimitives.Dot(rows[0][0], rows[1][0]) > TensorPrimitives.Dot(even, rows[1][0]));
    }

    [Fact]
    public void ViewsRunAtOnce_EachRunLandsInItsOwnSlot_AndTheQueryReaderAnswersAsTheExplainReader()
    {
        // Five network runs (whole photo and four corners) go at once: the mean must equal the one built from the
        // views asked one by one, each corner in its own place (':max' returns them in order).
        using var reader = LookalikeComponents.CreateFeatureMapReader(fixture.Embedder.Model);
        var embedder = new QueryViewEmbedder(reader, fixture.Decoder);
        byte[] photo = File.ReadAllBytes(Busy);
        var rows = embedder.Embed(photo, Busy, [QueryViews.Parse("full+corners"), QueryViews.Parse("full"), QueryViews.Parse("corners:max")]);
        Assert.Equal(4, rows[2].Length);
        var whole = fixture.Decoder.Decode(photo, Busy, reader.Target);
        double side = QueryViews.ZoomSide * Math.Min(whole.SourceWidth, whole.SourceHeight);
        double fw = side / whole.SourceWidth, fh = side / whole.SourceHeight;
        var origins = new[] { (0.0, 0.0), (1 - fw, 0.0), (0.0, 1 - fh), (1 - fw, 1 - fh) };
        for (int i = 0; i < origins.Length; i++)
        {
            var box = new ImageBox(origins[i].Item1, origins[i].Item2, fw, fh, Fractions: true);
            float[] alone = reader.Embed(fixture.Decoder.Decode(photo, Busy, reader.Target with { Box = box })).Vector;
            Assert.Equal(alone, rows[2][i], (a, b) => Math.Abs(a - b) < 1e-6f);
        }
        float[] sum = rows[1][0];
        foreach (var corner in rows[2]) sum = Add(sum, corner, 1);
        Assert.Equal(Normalised(sum), rows[0][0], (a, b) => Math.Abs(a - b) < 1e-6f);

        // The server's reader for a two-run list runs each view on one thread; its answer is the same query.
        var views = QueryViews.Parse("full+zoom*0.6");
        using var queryReader = LookalikeComponents.CreateQueryViewReader(fixture.Embedder.Model, views);
        float[] served = new QueryViewEmbedder(queryReader, fixture.Decoder).Embed(photo, Busy, [views])[0][0];
        float[] explained = embedder.Embed(photo, Busy, [views])[0][0];
        Assert.True(TensorPrimitives.Dot(served, explained) > 0.9999f, "the query reader's thread count does not change the query");
    }

    private static float[] Add(float[] a, float[] b, float weight)
    {
        var sum = new float[a.Length];
        for (int i = 0; i < a.Length; i++) sum[i] = a[i] + weight * b[i];
        return sum;
    }

    private static float[] Normalised(float[] v)
    {
        float norm = TensorPrimitives.Norm(v);
        return v.Select(x => x / norm).ToArray();
    }
}
