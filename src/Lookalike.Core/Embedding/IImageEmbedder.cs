using Lookalike.Core.Catalog;
using Lookalike.Core.Imaging;

namespace Lookalike.Core.Embedding;

/// <summary>
/// Turns decoded images into L2-normalised float32 embeddings. One instance per process holds the model
/// session; <see cref="Embed"/> is thread-safe. Dispose releases the native session.
/// </summary>
public interface IImageEmbedder : IDisposable
{
    /// <summary>Identifies the model and preprocessing; stored with every vector.</summary>
    ModelId Model { get; }

    /// <summary>Length of every embedding.</summary>
    int Dimension { get; }

    /// <summary>The size and fitting images must be decoded to before <see cref="Embed"/>.</summary>
    ImageTarget Target { get; }

    /// <summary>Writes the unit-length embedding of <paramref name="image"/> (already at <see cref="Target"/> size) into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The image is not <see cref="Target"/> sized or the destination is shorter than <see cref="Dimension"/>.</exception>
    void Embed(DecodedImage image, Span<float> destination);

    /// <summary>
    /// How many images one <see cref="EmbedBatch"/> call runs at once (1–256); callers that can wait gather up to this
    /// many. 1 for an embedder that runs one image at a time.
    /// </summary>
    int BatchSize => 1;

    /// <summary>
    /// Writes the embeddings of <paramref name="images"/> into consecutive rows of <paramref name="destination"/>
    /// (row <c>i</c> at <c>i * Dimension</c>): the same vectors as <see cref="Embed"/> on each image, up to float
    /// reassociation. Thread-safe. The default runs <see cref="Embed"/> image by image.
    /// </summary>
    /// <exception cref="ArgumentException">An image is not <see cref="Target"/> sized, or <paramref name="destination"/> is shorter than <c>images.Count * Dimension</c>.</exception>
    void EmbedBatch(IReadOnlyList<DecodedImage> images, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (destination.Length < images.Count * Dimension)
            throw new ArgumentException($"Destination holds {destination.Length} floats; {images.Count} embeddings need {images.Count * Dimension}.", nameof(destination));
        for (int i = 0; i < images.Count; i++) Embed(images[i], destination.Slice(i * Dimension, Dimension));
    }
}
