using System.Diagnostics;
using Lookalike.Core.Catalog;
using Lookalike.Core.Errors;
using Lookalike.Core.Explain;
using Lookalike.Core.Learning;

namespace Lookalike.Hosting.Learning;

/// <summary>Reads the <see cref="RegionReadout"/> of items' photos with the store's own model (<c>eval --holdout --readout regions</c>).</summary>
public static class RegionReadoutReader
{
    /// <summary>Every item's readout, keyed by item.</summary>
    /// <exception cref="LookalikeException">InvalidArgument naming <c>readout</c>: the model has no feature map here, or a photo cannot be read (named).</exception>
    public static Dictionary<ItemId, float[]> Read(IReadOnlyList<CatalogItem> items, ModelId? model, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        IFeatureMapReader reader;
        try
        {
            reader = model is { } id ? LookalikeComponents.CreateFeatureMapReader(id) : throw LookalikeException.InvalidArgument("store", "The store has no model.");
        }
        catch (LookalikeException e)
        {
            throw LookalikeException.InvalidArgument("readout",
                $"--readout regions reads the photos' feature maps with the store's model '{model}', which cannot run here ({e.Message}); evaluate without --readout.");
        }
        using (reader)
        {
            var decoder = LookalikeComponents.CreateDecoder();
            var result = new Dictionary<ItemId, float[]>(items.Count);
            var gate = new object();
            var watch = Stopwatch.StartNew();
            string? failed = null;
            Parallel.ForEach(items, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (item, loop) =>
            {
                float[] readout;
                try
                {
                    var photo = decoder.Decode(File.ReadAllBytes(item.Path), item.Path, reader.Target);
                    readout = RegionReadout.Compute(reader.Read(photo, mirror: false));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or LookalikeException or ArgumentException)
                {
                    lock (gate) failed ??= $"item '{item.Id}' ({(item.Path.Length == 0 ? "no photo: imported vector" : item.Path)}): {e.Message}";
                    loop.Stop();
                    return;
                }
                lock (gate)
                {
                    result[item.Id] = readout;
                    if (result.Count % 1000 == 0) progress?.Report($"readout: {result.Count:N0}/{items.Count:N0} photos in {watch.Elapsed.TotalSeconds:0} s");
                }
            });
            if (failed is not null)
                throw LookalikeException.InvalidArgument("readout",
                    $"--readout regions reads every evaluated item's photo, and {failed}; a store of imported vectors is evaluated without --readout.");
            progress?.Report($"readout: regions of {result.Count:N0} photos in {watch.Elapsed.TotalSeconds:0.0} s");
            return result;
        }
    }
}
