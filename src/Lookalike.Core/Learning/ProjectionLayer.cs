namespace Lookalike.Core.Learning;

/// <summary>
/// One affine layer of a <see cref="Projection"/>: <c>out = W·in + b</c>, then ReLU when <see cref="Relu"/>.
/// <see cref="Weights"/> is <see cref="Outputs"/>×<see cref="Inputs"/>, row-major (row o holds the weights of output o).
/// </summary>
public sealed record ProjectionLayer(int Inputs, int Outputs, float[] Weights, float[] Bias, bool Relu)
{
    /// <summary>Checks the shapes and that every number is finite.</summary>
    /// <exception cref="ArgumentException">Wrong lengths or a non-finite weight.</exception>
    public void Validate()
    {
        if (Inputs < 1 || Outputs < 1) throw new ArgumentException($"A layer needs at least one input and output; got {Inputs}→{Outputs}.");
        if (Weights.Length != (long)Inputs * Outputs) throw new ArgumentException($"Layer {Inputs}→{Outputs} needs {Inputs * Outputs} weights; got {Weights.Length}.");
        if (Bias.Length != Outputs) throw new ArgumentException($"Layer {Inputs}→{Outputs} needs {Outputs} biases; got {Bias.Length}.");
        if (!Weights.All(float.IsFinite) || !Bias.All(float.IsFinite)) throw new ArgumentException("A layer holds a weight that is not a finite number.");
    }
}
