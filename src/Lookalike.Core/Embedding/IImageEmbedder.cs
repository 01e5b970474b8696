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
}
