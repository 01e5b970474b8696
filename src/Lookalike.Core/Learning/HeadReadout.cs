namespace Lookalike.Core.Learning;

/// <summary>What the metric head reads of each photo beside its pooled vector.</summary>
public enum HeadReadout
{
    /// <summary>The vector only: the head is a function of the stored vector.</summary>
    None,

    /// <summary>Also the feature map's 3×3 grid of regions (<see cref="RegionReadout"/>), read from the photo.</summary>
    Regions,
}
