namespace Lookalike.Core.Explain;

/// <summary>How a similarity score is split over the cells of a photo's feature grid.</summary>
public enum AttributionMethod
{
    /// <summary>
    /// The embedding is a sum of per-location vectors (average pooling, also with flip averaging or a linear
    /// projection), so the cosine is a sum over locations: each grid sums to the score up to float rounding.
    /// </summary>
    Exact,

    /// <summary>
    /// Gradient × input of the pooled features with the normalising lengths held fixed (GeM, max pooling): each
    /// location's share of every pooled channel, to first order. For GeM and max the pooled channel is homogeneous of
    /// degree 1 in its activations, so the shares still add up to the score (to within the GeM ε clamp).
    /// </summary>
    FirstOrder,
}
