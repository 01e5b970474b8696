namespace Lookalike.Embedding.Onnx.Graphs;

/// <summary>Rewrites a model's fixed batch dimension of 1 into a symbolic one, in memory.</summary>
/// <remarks>
/// The NuGet ResNet18 declares <c>[1,3,224,224]</c> → <c>[1,512,1,1]</c>, so ONNX Runtime refuses more than one image
/// per call. Its operators (Conv, BatchNormalization, Relu, Add, pooling) work on any batch size; only the graph's
/// declared input and output shapes (and stale intermediate value_info, dropped here) name the 1. The copy is fed to
/// the runtime as bytes and never written: the file on disk, and with it the model id, stays as published.
/// </remarks>
internal static class BatchRewrite
{
    public const string BatchAxis = "batch";

    public static byte[] SymbolicBatch(string file)
    {
        OnnxModelProto model = OnnxModelProto.Parse(File.ReadAllBytes(file));
        OnnxGraphProto graph = model.Graph;
        var initializers = graph.Initializers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (OnnxValueInfo value in graph.Inputs.Where(i => !initializers.Contains(i.Name)).Concat(graph.Outputs))
        {
            if (value.Shape is not { Length: > 0 }) continue;
            value.Shape[0] = null;
            value.DimParams = [BatchAxis, .. (value.DimParams ?? new string?[value.Shape.Length])[1..]];
        }
        graph.ValueInfos.Clear();
        return model.ToBytes();
    }
}
