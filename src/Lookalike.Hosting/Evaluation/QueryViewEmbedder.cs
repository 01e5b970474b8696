using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;
using Lookalike.Core.Learning;

namespace Lookalike.Hosting.Evaluation;

/// <summary>
/// Embeds a query photo through several <see cref="QueryViews"/> at once, running the network once per distinct view
/// (the whole photo's feature map serves the full view, the mask and the object's location). Thread-safe when the
/// reader and decoder are.
/// </summary>
public sealed class QueryViewEmbedder(IFeatureMapReader reader, IImageDecoder decoder)
{
    /// <summary>
    /// The query rows of <paramref name="photo"/> for each of <paramref name="specs"/>: one unit vector for
    /// <see cref="ViewCombination.Mean"/>, one per view (corners: four) for <see cref="ViewCombination.Max"/>.
    /// </summary>
    public float[][][] Embed(ReadOnlySpan<byte> photo, string name, IReadOnlyList<QueryViews> specs) => Embed(photo, name, specs, out _);

    /// <summary>
    /// As <see cref="Embed(ReadOnlySpan{byte}, string, IReadOnlyList{QueryViews})"/>; <paramref name="busyBorder"/> tells whether the
    /// photo's border was measured busy (<see cref="BorderClutter"/>: the <c>:auto</c> lists took all their views), null
    /// when no list is <c>:auto</c> (not measured).
    /// </summary>
    /// <remarks>
    /// The photo is decoded once (<see cref="IImageDecoder.Open"/>) and every view is cut from those pixels, each view's
    /// cut in its own network run's thread; the pixels are the same as decoding the photo once per view.
    /// </remarks>
    public float[][][] Embed(ReadOnlySpan<byte> photo, string name, IReadOnlyList<QueryViews> specs, out bool? busyBorder)
    {
        using var source = decoder.Open(photo, name);
        busyBorder = specs.Any(s => s.OnlyWhenBusy) ? BorderClutter.IsBusy(source.Fit(BorderClutter.Target)) : null;
        bool busy = busyBorder ?? true;
        var needed = specs.SelectMany(s => s.ViewsFor(busy)).ToHashSet();
        if (reader.Readout != HeadReadout.None && needed.Any(v => v != QueryView.Full))
            throw LookalikeException.InvalidArgument("query-views",
                $"Model '{reader.Model}' stores each photo's regions beside its vector, so a query photo is embedded whole: query views other than 'full' are not available for it.");
        var target = reader.Target;
        int width = source.Width, height = source.Height;
        var vectors = new System.Collections.Concurrent.ConcurrentDictionary<QueryView, float[][]>();
        var (fw, fh) = QueryViews.ZoomFractions(width, height);

        // The views' network runs are independent: run them at once, so a two-view query on an idle machine takes about
        // one run's wall time on two cores instead of two (the reader is thread-safe; its runs may each use fewer threads).
        var runs = new List<Action>();
        if (needed.Contains(QueryView.Full) || needed.Contains(QueryView.Mask) || needed.Contains(QueryView.Located))
        {
            runs.Add(() =>
            {
                var whole = source.Fit(target);
                var map = reader.Read(whole, mirror: false);
                var mirrored = reader.Augmentation == TestTimeAugmentation.Flip ? reader.Read(whole, mirror: true) : null;
                if (needed.Contains(QueryView.Full)) vectors[QueryView.Full] = [SpatialEmbedding.Compute(map, mirrored, reader.Pooling, reader.Readout).Vector];
                var region = ObjectLocator.Locate(map);
                if (needed.Contains(QueryView.Mask)) vectors[QueryView.Mask] = [Masked(map, region, mirrored)];
                if (needed.Contains(QueryView.Located))
                {
                    var crop = ObjectLocator.CropOf(region, InputArea.Of(target, width, height), width, height);
                    vectors[QueryView.Located] = [EmbedBox(source, crop)];
                }
            });
        }
        if (needed.Contains(QueryView.Zoom))
            // The zoom enlarges the centre of a small photo: bilinear, not Mitchell cubic, halves the cost of its pixels
            // (it is on the query's critical path; docs/benchmarks.md "The zoom's enlargement") and the retrieval
            // figures on both protocols did not move (docs/evaluation.md). No stored vector is made from these pixels.
            runs.Add(() => vectors[QueryView.Zoom] = [EmbedBox(source, new FractionRect((1 - fw) / 2, (1 - fh) / 2, fw, fh), linearUpscale: true)]);
        if (needed.Contains(QueryView.Corners))
        {
            var corners = new float[4][];
            vectors[QueryView.Corners] = corners;
            var origins = new (double X, double Y)[] { (0, 0), (1 - fw, 0), (0, 1 - fh), (1 - fw, 1 - fh) };
            for (int i = 0; i < origins.Length; i++)
            {
                int corner = i;
                runs.Add(() => corners[corner] = EmbedBox(source, new FractionRect(origins[corner].X, origins[corner].Y, fw, fh)));
            }
        }
        if (runs.Count == 1) runs[0]();
        else
        {
            try
            {
                Parallel.Invoke(new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, runs.ToArray());
            }
            catch (AggregateException e)
            {
                // The caller gets the run's own error (a decode error naming the photo, ModelUnavailable, …), as from one run.
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            }
        }

        return specs.Select(spec =>
        {
            var used = spec.ViewsFor(busy);
            var rows = used.SelectMany(v => vectors[v]).ToArray();
            if (spec.Combine == ViewCombination.Max) return rows;
            var weights = used.SelectMany(v => Enumerable.Repeat(spec.WeightOf(v), vectors[v].Length)).ToArray();
            return new[] { MeanOf(rows, weights) };
        }).ToArray();
    }

    /// <summary>The map pooled over the located cells; with flip, the mirrored map is located and pooled on its own and the two averaged.</summary>
    private float[] Masked(FeatureMap map, ObjectRegion region, FeatureMap? mirrored)
    {
        var vector = new float[map.Channels];
        ObjectLocator.PoolMasked(map, region.Mask, reader.Pooling, vector);
        if (mirrored is null) return vector;
        var other = new float[map.Channels];
        ObjectLocator.PoolMasked(mirrored, ObjectLocator.Locate(mirrored).Mask, reader.Pooling, other);
        return MeanOf([vector, other], [1, 1]);
    }

    private float[] EmbedBox(IDecodedPhoto source, FractionRect rect, bool linearUpscale = false)
    {
        var box = new ImageBox(Math.Max(0, rect.X), Math.Max(0, rect.Y), rect.Width, rect.Height, Fractions: true);
        var image = source.Fit(reader.Target with { Box = box, LinearUpscale = linearUpscale });
        return reader.Embed(image).Vector;
    }

    /// <summary>The weighted sum of the rows, re-normalised to a unit vector.</summary>
    private static float[] MeanOf(float[][] rows, float[] weights)
    {
        if (rows.Length == 1) return rows[0];
        var mean = new float[rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
        {
            if (weights[i] == 1) System.Numerics.Tensors.TensorPrimitives.Add(mean, rows[i], mean);
            else System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(rows[i], weights[i], mean, mean);
        }
        float norm = System.Numerics.Tensors.TensorPrimitives.Norm(mean);
        if (norm > 0) System.Numerics.Tensors.TensorPrimitives.Divide(mean, norm, mean);
        return mean;
    }
}
