namespace Lookalike.Embedding.Onnx.Graphs;

/// <summary>Makes an intermediate tensor of a model a graph output, in memory, so the runtime can return it.</summary>
/// <remarks>
/// ONNX Runtime only returns declared graph outputs. GeM or max pooling needs the feature map before the network's
/// own average pooling (ResNet18's <c>ReLU393_Output_0</c>, [1,512,7,7]), which the file does not declare. The
/// rewrite adds one <c>output</c> entry to the graph, typed and shaped from the file's <c>value_info</c> when it has
/// one (so the runtime can write into a fixed, reused buffer), and copies everything else through as raw bytes.
/// The original outputs stay. The copy is fed to the runtime as bytes; the file on disk is not changed.
/// </remarks>
internal static class OutputExposure
{
    private const int ModelGraphField = 7, GraphNodeField = 1, GraphOutputField = 12, GraphValueInfoField = 13;
    private const int NodeOutputField = 2, ValueInfoNameField = 1;

    /// <summary>
    /// The model with <paramref name="name"/> added to its graph outputs; null when it already is one, or when no node
    /// produces it (the caller then reports the missing output with the names the graph has).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not a protobuf message.</exception>
    public static byte[]? Expose(byte[] model, string name)
    {
        List<ProtoField> modelFields = ProtoWire.Parse(model);
        int graphIndex = modelFields.FindIndex(f => f.Number == ModelGraphField);
        if (graphIndex < 0) return null;
        List<ProtoField> graphFields = ProtoWire.Parse(modelFields[graphIndex].Bytes);

        if (graphFields.Any(f => f.Number == GraphOutputField && NameOf(f) == name)) return null;
        bool produced = graphFields.Any(f => f.Number == GraphNodeField
            && ProtoWire.Parse(f.Bytes).Any(n => n.Number == NodeOutputField && n.Type == WireType.LengthDelimited && n.AsString() == name));
        if (!produced) return null;

        ProtoField? info = graphFields.FirstOrDefault(f => f.Number == GraphValueInfoField && NameOf(f) == name) is { Type: WireType.LengthDelimited } v ? v : null;
        byte[] output = info is { } known ? known.Bytes.ToArray() : new OnnxValueInfo { Name = name }.ToBytes(); // float, shape left to the runtime

        var graph = new ProtoBuffer(modelFields[graphIndex].Bytes.Length + output.Length + 64);
        foreach (ProtoField f in graphFields) graph.Add(f);
        graph.Add(ProtoField.Delimited(GraphOutputField, output));
        var rewritten = new ProtoBuffer(model.Length + output.Length + 64);
        for (int i = 0; i < modelFields.Count; i++)
            rewritten.Add(i == graphIndex ? ProtoField.Delimited(ModelGraphField, graph.ToArray()) : modelFields[i]);
        return rewritten.ToArray();
    }

    private static string? NameOf(ProtoField valueInfo) =>
        valueInfo.Type == WireType.LengthDelimited && ProtoWire.Parse(valueInfo.Bytes).LastOrDefault(x => x.Number == ValueInfoNameField) is { Type: WireType.LengthDelimited } n
            ? n.AsString()
            : null;
}
