using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Imaging;

namespace Lookalike.Core.Explain;

/// <summary>
/// Runs a model up to its last feature map (the tensor its pooling reads), for explaining similarity. One per process;
/// <see cref="Read"/> is thread-safe. Dispose releases the native session.
/// </summary>
public interface IFeatureMapReader : IDisposable
{
    /// <summary>The id of the model whose vectors this explains (the store's id, not that of the feature-map graph).</summary>
    ModelId Model { get; }

    /// <summary>The size and fitting images must be decoded to.</summary>
    ImageTarget Target { get; }

    /// <summary>How the model pools the map into its vector.</summary>
    EmbeddingPooling Pooling { get; }

    /// <summary>Whether the model averages the photo with its mirror image.</summary>
    TestTimeAugmentation Augmentation { get; }

    /// <summary>What the model's vectors carry beyond the pooled one (<see cref="ModelManifest.Readout"/>).</summary>
    Learning.HeadReadout Readout { get; }

    /// <summary>The feature map of <paramref name="image"/> (at <see cref="Target"/> size), or of its mirror image.</summary>
    FeatureMap Read(DecodedImage image, bool mirror);
}

/// <summary>Spatial embeddings from a feature-map reader.</summary>
public static class FeatureMapReaderExtensions
{
    /// <summary>The photo's embedding split over its grid, computed the way the model computes its vector (flip included).</summary>
    public static SpatialEmbedding Embed(this IFeatureMapReader reader, DecodedImage image)
    {
        ArgumentNullException.ThrowIfNull(reader);
        FeatureMap map = reader.Read(image, mirror: false);
        FeatureMap? mirrored = reader.Augmentation == TestTimeAugmentation.Flip ? reader.Read(image, mirror: true) : null;
        return SpatialEmbedding.Compute(map, mirrored, reader.Pooling, reader.Readout);
    }
}
