namespace Lookalike.Core.Embedding;

/// <summary>Order of the colour planes a model expects in its input tensor.</summary>
public enum ChannelOrder
{
    Rgb,
    Bgr,
}
