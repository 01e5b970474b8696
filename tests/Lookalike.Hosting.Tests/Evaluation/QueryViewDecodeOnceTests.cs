using Lookalike.Core.Embedding;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;
using Lookalike.Hosting.Evaluation;
using Lookalike.TestKit;

namespace Lookalike.Hosting.Tests.Evaluation;

/// <summary>
/// A photo query through several views decodes the photo once and cuts every view from it, with the new stores' model
/// and default views on real photos: the query vector is the one built by decoding the photo once per view.
/// </summary>
[Collection(IndexedSamplesCollection.Name)]
public sealed class QueryViewDecodeOnceTests(IndexedSamplesFixture fixture)
{
    /// <summary>Counts what the query asks of the decoder; everything goes to the real (time-limited) decoder.</summary>
    private sealed class CountingDecoder(IImageDecoder real) : IImageDecoder
    {
        public int Decodes, Opens;

        public DecodedImage Decode(ReadOnlySpan<byte> data, string sourceName, ImageTarget? target = null)
        {
            Interlocked.Increment(ref Decodes);
            return real.Decode(data, sourceName, target);
        }

        public IDecodedPhoto Open(ReadOnlySpan<byte> data, string sourceName)
        {
            Interlocked.Increment(ref Opens);
            return real.Open(data, sourceName);
        }

        public byte[] EncodeThumbnail(ReadOnlySpan<byte> data, string sourceName, int maxSide) => real.EncodeThumbnail(data, sourceName, maxSide);
    }

    /// <summary>The query as it was built before: the whole photo decoded for the full view (and its size), the zoom box decoded again.</summary>
    private static float[] DecodedPerView(IFeatureMapReader reader, IImageDecoder decoder, byte[] photo, string name, float zoomWeight)
    {
        var whole = decoder.Decode(photo, name, reader.Target);
        float[] full = SpatialEmbedding.Compute(reader.Read(whole, mirror: false), null, reader.Pooling).Vector;
        var zoomTarget = reader.Target with { Box = QueryViews.ZoomBox(whole.SourceWidth, whole.SourceHeight), LinearUpscale = true };
        float[] zoom = reader.Embed(decoder.Decode(photo, name, zoomTarget)).Vector;
        var mean = new float[full.Length];
        System.Numerics.Tensors.TensorPrimitives.Add(mean, full, mean);
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(zoom, zoomWeight, mean, mean);
        System.Numerics.Tensors.TensorPrimitives.Divide(mean, System.Numerics.Tensors.TensorPrimitives.Norm(mean), mean);
        return mean;
    }

    [Fact]
    public void DefaultViews_RealPhotos_OneOpenNoSeparateDecode_SameVectorAsDecodingPerView()
    {
        var views = QueryViews.Parse("full+zoom*0.6");
        var model = LookalikeComponents.CreateEmbedder(null);
        var modelId = model.Model;
        model.Dispose();
        using var reader = LookalikeComponents.CreateQueryViewReader(modelId, views);
        var decoder = new CountingDecoder(fixture.Decoder);
        var embedder = new QueryViewEmbedder(reader, decoder);
        var photos = RepositoryPaths.SampleImages().Order(StringComparer.Ordinal).Where((_, i) => i % 25 == 0).ToArray();
        Assert.NotEmpty(photos);

        foreach (var path in photos)
        {
            byte[] bytes = File.ReadAllBytes(path);
            (decoder.Decodes, decoder.Opens) = (0, 0);
            float[] query = embedder.Embed(bytes, path, [views])[0][0];
            Assert.Equal((0, 1), (decoder.Decodes, decoder.Opens));

            float[] expected = DecodedPerView(reader, fixture.Decoder, bytes, path, 0.6f);
            Assert.Equal(expected, query, (a, b) => Math.Abs(a - b) <= 1e-6f);
        }
    }
}
