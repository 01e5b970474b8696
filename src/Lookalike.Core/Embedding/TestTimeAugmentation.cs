namespace Lookalike.Core.Embedding;

/// <summary>
/// Extra views of each photo embedded alongside it; the embedding is the normalised mean of the views' unit vectors.
/// It changes the vectors, so it is part of the model id (<c>resnet18+flip@…</c>): a store indexed with one setting
/// refuses query photos embedded with another.
/// </summary>
public enum TestTimeAugmentation
{
    /// <summary>The photo alone (one network run).</summary>
    None,

    /// <summary>The photo and its horizontal mirror image (two network runs per photo).</summary>
    Flip,
}
