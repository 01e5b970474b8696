using Lookalike.Core.Errors;

namespace Lookalike.Hosting.Learning;

/// <summary>
/// Extra views of each learning item's photo that <c>lookalike learn --augment</c> embeds and adds as rows of the
/// item's class: more training rows, and invariance to the mirror image and a closer framing. Only learning reads
/// photos; the projection still applies to the stored raw vectors.
/// </summary>
[Flags]
public enum TrainingViews
{
    None = 0,

    /// <summary>The photo mirrored left to right (one more network run per item).</summary>
    Flip = 1,

    /// <summary>The centre square of 0.7 of the photo's shorter side (one more run; with <see cref="Flip"/>, its mirror too).</summary>
    Zoom = 2,
}

/// <summary>Reads and writes <see cref="TrainingViews"/> as <c>flip</c>, <c>zoom</c>, <c>flip,zoom</c> or <c>none</c>.</summary>
public static class TrainingViewsText
{
    /// <exception cref="LookalikeException">InvalidArgument naming <c>augment</c>: an unknown view.</exception>
    public static TrainingViews Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var views = TrainingViews.None;
        foreach (var part in text.Split([',', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            views |= part.ToLowerInvariant() switch
            {
                "flip" => TrainingViews.Flip,
                "zoom" => TrainingViews.Zoom,
                "none" => TrainingViews.None,
                _ => throw LookalikeException.InvalidArgument("augment", $"--augment takes flip, zoom or flip,zoom; '{part}' is not a view."),
            };
        }
        return views;
    }

    /// <summary>Network runs per learning item on top of none (flip 1, zoom 1, flip,zoom 3).</summary>
    public static int Runs(TrainingViews views) => views switch
    {
        TrainingViews.Flip or TrainingViews.Zoom => 1,
        TrainingViews.Flip | TrainingViews.Zoom => 3,
        _ => 0,
    };

    public static string Format(TrainingViews views) => views switch
    {
        TrainingViews.None => "none",
        TrainingViews.Flip => "flip",
        TrainingViews.Zoom => "zoom",
        _ => "flip,zoom",
    };
}
