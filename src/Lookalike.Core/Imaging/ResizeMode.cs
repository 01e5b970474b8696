namespace Lookalike.Core.Imaging;

/// <summary>How a photo of any aspect ratio is fitted into a model's fixed input size.</summary>
public enum ResizeMode
{
    /// <summary>Scale each axis independently to the target size (aspect ratio not kept). ML.NET's "Fill".</summary>
    Stretch,
    /// <summary>Scale the shorter side to the target, then cut the centre. Keeps aspect ratio, loses borders.</summary>
    CenterCrop,
    /// <summary>Scale the longer side to the target and pad the rest with white. Keeps everything.</summary>
    Pad,
}
