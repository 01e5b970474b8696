namespace Lookalike.Core.Imaging;

/// <summary>
/// Re-shoots a clean catalog photo as a shopper might: the product cut out, zoomed, moved off centre, rotated and seen
/// in perspective over a cluttered background, with a colour cast, an exposure error, blur, sensor noise and a
/// low-quality JPEG. Used by the cross-domain ("shopper photo") evaluation protocol.
/// </summary>
/// <remarks>Deterministic: the same inputs and seed give byte-identical output on the same build. Thread-safe.</remarks>
public interface IShopperPhotoSynthesizer
{
    /// <summary>Composes one shopper photo and returns it as JPEG file bytes (owned by the caller).</summary>
    /// <param name="product">The clean catalog photo, full size.</param>
    /// <param name="background">A photo of something else, full size; it fills the frame behind the product.</param>
    /// <param name="seed">Drives every random choice (framing, rotation, perspective, colour, blur, noise).</param>
    byte[] Synthesize(DecodedImage product, DecodedImage background, int seed);
}
