namespace Lookalike.Embedding.Onnx.Graphs;

/// <summary>Rewrites a model's fixed batch dimension of 1 into a symbolic one, in memory.</summary>
/// <remarks>
/// The NuGet ResNet18 declares <c>[1,3,224,224]</c> → <c>[1,512,1,1]</c>, so ONNX Runtime refuses more than one image
/// per call. Its operators (Conv, BatchNormalization, Relu, Add, pooling) work on any batch size; only the graph's
/// declared input and output shapes (and stale intermediate value_info, dropped here) name the 1. Only those small
/// fields are re-encoded; nodes and weights are copied through as raw bytes (one 61 MB buffer, no parse of the
/// tensors). The copy is fed to the runtime as bytes and never written: the file on disk, and with it the model id,
/// stays as published.
/// </remarks>
internal static class BatchRewrite
{
    public const string BatchAxis = "batch";

    private const int ModelGraphField = 7, GraphInitializerField = 5, GraphInputField = 11, GraphOutputField = 12, GraphValueInfoField = 13;
    private const int TensorNameField = 8;

    public static byte[] SymbolicBatch(string file) => SymbolicBatch(File.ReadAllBytes(file));

    /// <summary>As <see cref="SymbolicBatch(string)"/>, on a model already in memory (e.g. after <see cref="OutputExposure"/>).</summary>
    public static byte[] SymbolicBatch(byte[] bytes)
    {
        var model = new ProtoBuffer(bytes.Length + 4096);
        foreach (ProtoField field in ProtoWire.Parse(bytes))
        {
            if (field.Number != ModelGraphField)
            {
                model.Add(field);
                continue;
            }
            List<ProtoField> graphFields = ProtoWire.Parse(field.Bytes);
            var initializers = graphFields.Where(f => f.Number == GraphInitializerField)
                .Select(f => ProtoWire.Parse(f.Bytes).LastOrDefault(t => t.Number == TensorNameField))
                .Where(n => n.Type == WireType.LengthDelimited).Select(n => n.AsString()).ToHashSet(StringComparer.Ordinal);
            var graph = new ProtoBuffer(field.Bytes.Length + 4096);
            foreach (ProtoField g in graphFields)
            {
                switch (g.Number)
                {
                    case GraphValueInfoField:
                        break; // stale shapes of intermediate tensors: the runtime infers them again
                    case GraphInputField or GraphOutputField:
                        OnnxValueInfo value = OnnxValueInfo.Parse(g.Bytes);
                        if (!initializers.Contains(value.Name) && value.Shape is { Length: > 0 })
                        {
                            value.Shape[0] = null;
                            value.DimParams = [BatchAxis, .. (value.DimParams ?? new string?[value.Shape.Length])[1..]];
                            graph.Add(ProtoField.Delimited(g.Number, value.ToBytes()));
                        }
                        else
                        {
                            graph.Add(g);
                        }
                        break;
                    default:
                        graph.Add(g);
                        break;
                }
            }
            model.Add(ProtoField.Delimited(ModelGraphField, graph.ToArray()));
        }
        return model.ToArray();
    }
}
