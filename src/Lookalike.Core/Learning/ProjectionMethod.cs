namespace Lookalike.Core.Learning;

/// <summary>How <see cref="ProjectionLearner"/> fits a <see cref="Projection"/>.</summary>
public enum ProjectionMethod
{
    /// <summary>A two-layer residual head trained by SGD (Adam): normalised-softmax proxies for classes, InfoNCE for pairs.</summary>
    Head,
    /// <summary>Learned whitening from positive pairs (Radenović, Tolias &amp; Chum 2018), closed form, full dimension.</summary>
    Lw,
    /// <summary>Linear discriminant analysis: within-class whitening, then the C−1 between-class directions.</summary>
    Lda,
}
