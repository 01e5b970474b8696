using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Explain;
using Lookalike.Core.Imaging;
using Lookalike.Core.Learning;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// <see cref="IFeatureMapReader"/> on ONNX Runtime: the manifest's graph chain run up to the last feature map, which is
/// exposed as an output in memory when it is an intermediate tensor (ResNet18's <c>ReLU393_Output_0</c>, [1,512,7,7],
/// the input of its own average pooling; for GeM/max manifests the output they already name).
/// </summary>
/// <remarks>
/// Its own session, separate from the embedder's: explanations are rare next to queries, so it is made on first use.
/// Thread-safe; dispose releases the session.
/// </remarks>
public sealed class OnnxFeatureMapReader : IFeatureMapReader
{
    private readonly OnnxImageEmbedder _network;
    private readonly int _channels, _rows, _cols;

    /// <param name="manifest">The model whose vectors are explained (as resolved for the store's model id).</param>
    /// <param name="options">Runtime options; null for the defaults.</param>
    /// <exception cref="Core.Errors.LookalikeException">ModelUnavailable: the files are missing, or the model's output is pooled and no feature map is known for it.</exception>
    public OnnxFeatureMapReader(ModelManifest manifest, OnnxEmbeddingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        Model = ModelFingerprint.Compute(manifest);
        Pooling = manifest.Pooling;
        Augmentation = manifest.Augmentation;
        Readout = manifest.Readout;
        // One image per call; the pooling is left to the caller, so the chain ends at the map itself.
        ModelManifest mapManifest = BuiltInModels.WithFeatureMapOutput(manifest) with { Pooling = EmbeddingPooling.Average, Readout = HeadReadout.None };
        _network = new OnnxImageEmbedder(mapManifest, (options ?? new OnnxEmbeddingOptions()) with { BatchSize = 1 }, rawOutput: true);
        if (_network.OutputShape is not [1, long c, long h, long w] || h * w < 2)
        {
            string shape = _network.OutputShape is null ? "not fixed" : $"[{string.Join(", ", _network.OutputShape)}]";
            _network.Dispose();
            string graph = mapManifest.ResolvePath(mapManifest.Graphs[^1]);
            throw OrtErrors.ModelUnavailable(graph,
                $"Model '{manifest.Name}' cannot be explained: output '{mapManifest.Graphs[^1].Output}' of {graph} has shape {shape}, and explaining needs a fixed feature map [1, C, H, W] with H×W > 1 (name the tensor before the network's own pooling as the manifest's output, with pooling avg).");
        }
        (_channels, _rows, _cols) = ((int)c, (int)h, (int)w);
        Target = _network.Target;
    }

    /// <inheritdoc />
    public ModelId Model { get; }

    /// <inheritdoc />
    public ImageTarget Target { get; }

    /// <inheritdoc />
    public EmbeddingPooling Pooling { get; }

    /// <inheritdoc />
    public TestTimeAugmentation Augmentation { get; }

    /// <inheritdoc />
    public HeadReadout Readout { get; }

    /// <inheritdoc />
    public FeatureMap Read(DecodedImage image, bool mirror)
    {
        var values = new float[_channels * _rows * _cols];
        _network.ReadRawOutput(image, mirror, values);
        return new FeatureMap(_channels, _rows, _cols, values);
    }

    public void Dispose() => _network.Dispose();
}
