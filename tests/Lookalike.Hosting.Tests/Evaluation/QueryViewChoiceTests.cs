using System.Numerics.Tensors;
using Lookalike.Core.Embedding;
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
