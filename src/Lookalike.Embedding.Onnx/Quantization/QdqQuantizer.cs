using Lookalike.Embedding.Onnx.Graphs;

namespace Lookalike.Embedding.Onnx.Quantization;

/// <summary>
/// Static int8 quantisation of a CNN in ONNX's QDQ form, written over the ONNX protobuf: what ONNX Runtime's
/// Python <c>quantize_static</c> does for ResNets (U8S8: activations uint8 asymmetric per tensor, weights int8
/// symmetric per output channel, biases int32), without Python.
/// </summary>
/// <remarks>
/// <para>Steps. <see cref="Prepare"/>: BatchNormalization folded into the preceding Conv's weights and bias (in
/// double, rounded once to float), opset raised to 13 (per-channel DequantizeLinear), IR 7, initializers no longer
/// listed as graph inputs. <see cref="CalibrationModel"/>: the prepared graph with every node output exposed, so one
/// run yields every activation. <see cref="Quantize"/>: every activation that feeds a Conv, Add, MaxPool or
/// AveragePool gets a QuantizeLinear→DequantizeLinear pair right after its producer; Conv weights and biases become
/// int8/int32 initializers behind DequantizeLinear; a Relu that is the only consumer of a Conv or Add is dropped and
/// its clamp done by the uint8 range [0, max] (zero point 0). ONNX Runtime then fuses DQ→Conv→Q into QLinearConv,
/// DQ→Add→Q into QLinearAdd and drops the pairs around MaxPool (same scale in and out).</para>
/// <para>Deterministic: the output bytes depend only on the input model, the calibration ranges and
/// <see cref="Recipe"/>, so the model id of a quantised model is the same on every machine.</para>
/// </remarks>
internal static class QdqQuantizer
{
    /// <summary>Names the algorithm; part of the cache key and written into the model's doc string.</summary>
    public const string Recipe = "lookalike-qdq-u8s8-per-channel/1";

    private static readonly HashSet<string> Supported = new(StringComparer.Ordinal)
    {
        "Conv", "BatchNormalization", "Relu", "Add", "MaxPool", "AveragePool", "GlobalAveragePool",
    };

    /// <summary>The float graph the quantiser and the calibration work on.</summary>
    /// <exception cref="NotSupportedException">The graph uses an operator outside Conv, BatchNormalization, Relu, Add, MaxPool, (Global)AveragePool.</exception>
    public static OnnxModelProto Prepare(ReadOnlyMemory<byte> fp32Model)
    {
        OnnxModelProto model = OnnxModelProto.Parse(fp32Model);
        OnnxGraphProto graph = model.Graph;
        if (graph.Nodes.FirstOrDefault(n => !Supported.Contains(n.OpType) || n.Domain.Length > 0) is { } unsupported)
            throw new NotSupportedException($"int8 quantisation supports CNNs made of {string.Join(", ", Supported)}; this graph uses {unsupported.OpType}");
        if (graph.Inputs.Count(i => graph.Initializers.All(t => t.Name != i.Name)) != 1 || graph.Outputs.Count != 1)
            throw new NotSupportedException("int8 quantisation needs a graph with one input and one output");

        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);
        graph.Inputs.RemoveAll(i => initializers.ContainsKey(i.Name)); // IR ≥ 4: initializers are not inputs
        graph.ValueInfos.Clear();

        foreach (OnnxNodeProto bn in graph.Nodes.Where(n => n.OpType == "BatchNormalization").ToList())
        {
            OnnxNodeProto? conv = graph.Nodes.SingleOrDefault(n => n.OpType == "Conv" && n.Outputs[0] == bn.Inputs[0]);
            if (conv is null || Consumers(graph, conv.Outputs[0]).Count() != 1 || bn.Outputs.Count != 1)
                throw new NotSupportedException($"BatchNormalization '{bn.Name}' does not follow a Conv it alone consumes");
            FoldBatchNorm(graph, initializers, conv, bn);
            graph.Nodes.Remove(bn);
        }
        foreach (OnnxNodeProto node in graph.Nodes)
        {
            node.RemoveAttribute("spatial");   // opset < 9 BatchNormalization/other legacy attributes would not validate at 13
            if (node.OpType is "Add" or "Conv") { node.RemoveAttribute("broadcast"); node.RemoveAttribute("axis"); }
        }
        model.Opsets.Clear();
        model.Opsets[""] = 13;
        model.IrVersion = 7;
        return model;
    }

    /// <summary>The prepared graph with every node output also a graph output (float, shape left to the runtime).</summary>
    public static byte[] CalibrationModel(OnnxModelProto prepared, out IReadOnlyList<string> tensors)
    {
        OnnxModelProto copy = OnnxModelProto.Parse(prepared.ToBytes());
        var names = new List<string> { copy.Graph.Inputs[0].Name };
        foreach (OnnxNodeProto node in copy.Graph.Nodes)
        {
            foreach (string output in node.Outputs)
            {
                names.Add(output);
                if (copy.Graph.Outputs.All(o => o.Name != output))
                    copy.Graph.Outputs.Add(new OnnxValueInfo { Name = output });
            }
        }
        tensors = names;
        return copy.ToBytes();
    }

    /// <summary>The QDQ model for <paramref name="prepared"/> with activation ranges from calibration.</summary>
    /// <param name="ranges">Min and max of every activation of the prepared graph (the input and every node output).</param>
    /// <exception cref="InvalidDataException">A range is missing for an activation that must be quantised.</exception>
    public static byte[] Quantize(OnnxModelProto prepared, IReadOnlyDictionary<string, (float Min, float Max)> ranges)
    {
        OnnxModelProto model = OnnxModelProto.Parse(prepared.ToBytes());
        OnnxGraphProto graph = model.Graph;
        var initializers = graph.Initializers.ToDictionary(t => t.Name, StringComparer.Ordinal);

        // Relu fused into the producer's output range: Conv/Add → Relu becomes Conv/Add writing the Relu's tensor.
        foreach (OnnxNodeProto relu in graph.Nodes.Where(n => n.OpType == "Relu").ToList())
        {
            OnnxNodeProto? producer = graph.Nodes.SingleOrDefault(n => n.Outputs.Contains(relu.Inputs[0]));
            if (producer is null || producer.OpType is not ("Conv" or "Add") || Consumers(graph, relu.Inputs[0]).Count() != 1) continue;
            producer.Outputs[producer.Outputs.IndexOf(relu.Inputs[0])] = relu.Outputs[0];
            graph.Nodes.Remove(relu);
        }

        // Which activations get a Q/DQ pair, with which parameters.
        string input = graph.Inputs[0].Name;
        var parameters = new Dictionary<string, (float Scale, byte ZeroPoint)>(StringComparer.Ordinal);
        (float, byte) FromRange(string tensor) => ranges.TryGetValue(tensor, out var r)
            ? Uint8Parameters(r.Min, r.Max)
            : throw new InvalidDataException($"no calibration range for activation '{tensor}'");
        parameters[input] = FromRange(input);
        foreach (OnnxNodeProto node in graph.Nodes)
        {
            switch (node.OpType)
            {
                case "Conv" or "Add":
                    parameters[node.Outputs[0]] = FromRange(node.Outputs[0]);
                    break;
                case "MaxPool" when parameters.TryGetValue(node.Inputs[0], out var p):
                    parameters[node.Outputs[0]] = p; // same scale in and out: the runtime then pools uint8 directly
                    break;
            }
        }
        // Only tensors that some quantisable op reads.
        var read = graph.Nodes.Where(n => n.OpType is "Conv" or "Add" or "MaxPool" or "AveragePool" or "GlobalAveragePool")
            .SelectMany(n => n.OpType == "Conv" ? n.Inputs.Take(1) : n.Inputs).ToHashSet(StringComparer.Ordinal);
        foreach (string name in parameters.Keys.Where(k => !read.Contains(k)).ToList()) parameters.Remove(name);

        var nodes = new List<OnnxNodeProto>();
        void AddPair(string tensor)
        {
            if (!parameters.TryGetValue(tensor, out var p)) return;
            graph.Initializers.Add(OnnxTensorProto.FromFloats($"{tensor}_scale", [], [p.Scale]));
            graph.Initializers.Add(OnnxTensorProto.FromBytes($"{tensor}_zero_point", [], OnnxDataType.UInt8, [p.ZeroPoint]));
            nodes.Add(Node("QuantizeLinear", [tensor, $"{tensor}_scale", $"{tensor}_zero_point"], [$"{tensor}_quantized"]));
            nodes.Add(Node("DequantizeLinear", [$"{tensor}_quantized", $"{tensor}_scale", $"{tensor}_zero_point"], [$"{tensor}_dequantized"]));
        }

        AddPair(input);
        foreach (OnnxNodeProto node in graph.Nodes)
        {
            bool quantisedOp = node.OpType is "Conv" or "Add" or "MaxPool" or "AveragePool" or "GlobalAveragePool";
            string first = node.Inputs[0];
            int activations = node.OpType == "Conv" ? 1 : node.Inputs.Count;
            for (int i = 0; i < activations && quantisedOp; i++)
                if (parameters.ContainsKey(node.Inputs[i])) node.Inputs[i] = $"{node.Inputs[i]}_dequantized";
            if (node.OpType == "Conv")
            {
                if (!parameters.TryGetValue(first, out var x))
                    throw new InvalidDataException($"Conv '{node.Name}' reads '{first}', which has no quantisation parameters");
                QuantizeConvWeights(graph, initializers, node, x.Scale, nodes);
            }
            nodes.Add(node);
            foreach (string output in node.Outputs) AddPair(output);
        }
        graph.Nodes.Clear();
        graph.Nodes.AddRange(nodes);
        graph.Initializers.RemoveAll(t => !nodes.Any(n => n.Inputs.Contains(t.Name)));
        model.Opsets[""] = 13;
        return model.ToBytes();
    }

    /// <summary>uint8 asymmetric parameters covering [min, max] ∪ {0}; zero point 0 for non-negative tensors.</summary>
    internal static (float Scale, byte ZeroPoint) Uint8Parameters(float min, float max)
    {
        min = MathF.Min(min, 0);
        max = MathF.Max(max, 0);
        float scale = (max - min) / 255f;
        if (!(scale > 0) || !float.IsFinite(scale)) return (1f, 0);
        float zero = MathF.Round(-min / scale);
        return (scale, (byte)Math.Clamp(zero, 0, 255));
    }

    private static void QuantizeConvWeights(OnnxGraphProto graph, Dictionary<string, OnnxTensorProto> initializers, OnnxNodeProto conv,
        float inputScale, List<OnnxNodeProto> nodes)
    {
        OnnxTensorProto weight = initializers[conv.Inputs[1]];
        float[] w = weight.ToFloats();
        int channels = checked((int)weight.Dims[0]);
        int perChannel = w.Length / channels;
        float[] scales = new float[channels];
        sbyte[] q = new sbyte[w.Length];
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> row = w.AsSpan(c * perChannel, perChannel);
            float absMax = 0;
            foreach (float v in row) absMax = MathF.Max(absMax, MathF.Abs(v));
            float scale = absMax > 0 ? absMax / 127f : 1f;
            scales[c] = scale;
            for (int i = 0; i < perChannel; i++)
                q[c * perChannel + i] = (sbyte)Math.Clamp(MathF.Round(row[i] / scale), -127, 127);
        }
        string name = weight.Name;
        graph.Initializers.Add(OnnxTensorProto.FromBytes($"{name}_quantized", weight.Dims, OnnxDataType.Int8, (byte[])(Array)q));
        graph.Initializers.Add(OnnxTensorProto.FromFloats($"{name}_scale", [channels], scales));
        graph.Initializers.Add(OnnxTensorProto.FromBytes($"{name}_zero_point", [channels], OnnxDataType.Int8, new byte[channels]));
        nodes.Add(Node("DequantizeLinear", [$"{name}_quantized", $"{name}_scale", $"{name}_zero_point"], [$"{name}_dequantized"], axis: 0));
        conv.Inputs[1] = $"{name}_dequantized";

        if (conv.Inputs.Count > 2 && initializers.TryGetValue(conv.Inputs[2], out OnnxTensorProto? bias))
        {
            float[] b = bias.ToFloats();
            int[] qb = new int[channels];
            float[] bScales = new float[channels];
            for (int c = 0; c < channels; c++)
            {
                bScales[c] = inputScale * scales[c];
                qb[c] = (int)Math.Clamp(Math.Round(b[c] / (double)bScales[c]), int.MinValue, int.MaxValue);
            }
            string bn = bias.Name;
            graph.Initializers.Add(OnnxTensorProto.FromInt32s($"{bn}_quantized", [channels], qb));
            graph.Initializers.Add(OnnxTensorProto.FromFloats($"{bn}_scale", [channels], bScales));
            graph.Initializers.Add(OnnxTensorProto.FromInt32s($"{bn}_zero_point", [channels], new int[channels]));
            nodes.Add(Node("DequantizeLinear", [$"{bn}_quantized", $"{bn}_scale", $"{bn}_zero_point"], [$"{bn}_dequantized"], axis: 0));
            conv.Inputs[2] = $"{bn}_dequantized";
        }
    }

    /// <summary>BatchNormalization(Conv(x, W[, b])) → Conv(x, W', b'): W' = W·γ/√(σ²+ε) per output channel, b' = (b − μ)·γ/√(σ²+ε) + β.</summary>
    private static void FoldBatchNorm(OnnxGraphProto graph, Dictionary<string, OnnxTensorProto> initializers, OnnxNodeProto conv, OnnxNodeProto bn)
    {
        float[] Constant(string name) => initializers.TryGetValue(name, out var t) ? t.ToFloats()
            : throw new NotSupportedException($"BatchNormalization input '{name}' is not a constant");
        float[] gamma = Constant(bn.Inputs[1]), beta = Constant(bn.Inputs[2]), mean = Constant(bn.Inputs[3]), variance = Constant(bn.Inputs[4]);
        double epsilon = bn.GetFloat("epsilon") ?? 1e-5f;
        OnnxTensorProto weight = initializers[conv.Inputs[1]];
        float[] w = weight.ToFloats();
        int channels = checked((int)weight.Dims[0]);
        int perChannel = w.Length / channels;
        float[] bias = conv.Inputs.Count > 2 ? Constant(conv.Inputs[2]) : new float[channels];
        float[] foldedBias = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double factor = gamma[c] / Math.Sqrt(variance[c] + epsilon);
            for (int i = c * perChannel; i < (c + 1) * perChannel; i++) w[i] = (float)(w[i] * factor);
            foldedBias[c] = (float)((bias[c] - mean[c]) * factor + beta[c]);
        }
        string name = $"{conv.Outputs[0]}_folded";
        var foldedWeight = OnnxTensorProto.FromFloats($"{name}_W", weight.Dims, w);
        var foldedB = OnnxTensorProto.FromFloats($"{name}_B", [channels], foldedBias);
        graph.Initializers.Add(foldedWeight);
        graph.Initializers.Add(foldedB);
        initializers[foldedWeight.Name] = foldedWeight;
        initializers[foldedB.Name] = foldedB;
        conv.Inputs[1] = foldedWeight.Name;
        if (conv.Inputs.Count > 2) conv.Inputs[2] = foldedB.Name;
        else conv.Inputs.Add(foldedB.Name);
        conv.Outputs[0] = bn.Outputs[0];
        graph.Initializers.RemoveAll(t => !graph.Nodes.Any(n => n != bn && n.Inputs.Contains(t.Name)));
    }

    private static IEnumerable<OnnxNodeProto> Consumers(OnnxGraphProto graph, string tensor) =>
        graph.Nodes.Where(n => n.Inputs.Contains(tensor));

    private static OnnxNodeProto Node(string op, string[] inputs, string[] outputs, long? axis = null)
    {
        var node = new OnnxNodeProto { OpType = op, Name = $"{op}_{outputs[0]}" };
        node.Inputs.AddRange(inputs);
        node.Outputs.AddRange(outputs);
        if (axis is { } a) node.SetInt("axis", a);
        return node;
    }
}
