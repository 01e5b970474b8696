using Lookalike.Core.Embedding;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx.Graphs;

namespace Lookalike.Embedding.Onnx.Tests;

/// <summary>Small ONNX graphs written with the product's own protobuf code, for tests that need a graph of a known shape.</summary>
internal static class TinyModels
{
    public const int Width = 4, Height = 2;
    public static readonly long[] ImageShape = [1, 3, Height, Width];

    /// <summary>A serialised model (IR 8, opset 13) with one float input "x" and one float output "y" of <paramref name="shape"/>.</summary>
    public static byte[] Model(IEnumerable<OnnxNodeProto> nodes, IEnumerable<OnnxTensorProto> initializers, long[] shape, long[]? outputShape = null)
    {
        var graph = OnnxGraphProto.Parse(ProtoWire.Write([ProtoField.String(2, "tiny")]));
        graph.Nodes.AddRange(nodes);
        graph.Initializers.AddRange(initializers);
        graph.Inputs.Add(new OnnxValueInfo { Name = "x", Shape = shape.Select(d => (long?)d).ToArray() });
        graph.Outputs.Add(new OnnxValueInfo { Name = "y", Shape = (outputShape ?? shape).Select(d => (long?)d).ToArray() });
        var model = OnnxModelProto.Parse(ProtoWire.Write([ProtoField.Varint(1, 8), ProtoField.Delimited(7, graph.ToBytes())]));
        model.Opsets[""] = 13;
        return model.ToBytes();
    }

    public static OnnxNodeProto Node(string op, string[] inputs, string[] outputs, Action<OnnxNodeProto>? attributes = null)
    {
        var node = new OnnxNodeProto { OpType = op, Name = $"{op}_{outputs[0]}" };
        node.Inputs.AddRange(inputs);
        node.Outputs.AddRange(outputs);
        attributes?.Invoke(node);
        return node;
    }

    /// <summary>The constant the preprocessing graphs subtract: distinct, non-integer values per element.</summary>
    public static float[] Mean() => Enumerable.Range(0, 3 * Width * Height).Select(i => 100.5f + i * 1.375f).ToArray();

    /// <summary>RGB → BGR (Split + Concat), then <paramref name="op"/> with <see cref="Mean"/> as the constant second input.</summary>
    public static byte[] Preprocess(string op = "Sub", bool twice = false, bool constantFirst = false)
    {
        var nodes = new List<OnnxNodeProto>
        {
            Node("Split", ["x"], ["r", "g", "b"], n => n.SetInt("axis", 1)),
            Node("Concat", ["b", "g", "r"], ["bgr"], n => n.SetInt("axis", 1)),
            Node(op, constantFirst ? ["mean", "bgr"] : ["bgr", "mean"], [twice ? "once" : "y"]),
        };
        if (twice) nodes.Add(Node(op, ["once", "mean"], ["y"]));
        return Model(nodes, [OnnxTensorProto.FromFloats("mean", ImageShape, Mean())], ImageShape);
    }

    /// <summary>The "network": Identity, so the embedding is the per-plane mean of the preprocessed tensor.</summary>
    public static byte[] IdentityNetwork() => Model([Node("Identity", ["x"], ["y"])], [], ImageShape);

    /// <summary>A two-graph manifest over files written into <paramref name="folder"/>.</summary>
    public static ModelManifest Manifest(string folder, byte[] preprocess)
    {
        File.WriteAllBytes(Path.Combine(folder, "prep.onnx"), preprocess);
        File.WriteAllBytes(Path.Combine(folder, "net.onnx"), IdentityNetwork());
        return new ModelManifest
        {
            Name = "tiny",
            Graphs = [new ModelGraph("prep.onnx", "x", "y"), new ModelGraph("net.onnx", "x", "y")],
            InputWidth = Width,
            InputHeight = Height,
            Resize = ResizeMode.Stretch,
            Dimension = 3,
            BaseDirectory = folder,
        };
    }

    public static DecodedImage Image(int seed)
    {
        byte[] rgb = new byte[Width * Height * 3];
        new Random(seed).NextBytes(rgb);
        return new DecodedImage(Width, Height, rgb);
    }
}
