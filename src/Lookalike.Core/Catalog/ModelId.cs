namespace Lookalike.Core.Catalog;

/// <summary>
/// Names the model and preprocessing that produced a store's vectors, e.g. <c>resnet18@3f2a9c1d</c>
/// (manifest name @ short fingerprint of the manifest and model files). Vectors from different model ids
/// are never compared.
/// </summary>
public readonly record struct ModelId
{
    public ModelId(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        Value = value;
    }

    public string Value { get; }

    public override string ToString() => Value;
}
