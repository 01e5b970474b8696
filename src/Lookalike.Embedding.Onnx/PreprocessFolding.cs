using Lookalike.Embedding.Onnx.Graphs;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// What a folded preprocessing graph computed: output plane <c>p</c> is input plane <see cref="Permutation"/>[p]
/// plus <see cref="Offset"/> (per element, planar <c>[3·H·W]</c>).
/// </summary>
/// <param name="Permutation">For each output plane, the input plane it copies (resnet18: BGR from RGB, [2,1,0]).</param>
/// <param name="Offset">The graph's output for an all-zero input: for the built-in resnet18, minus the ImageNet mean image.</param>
internal sealed record FoldedPreprocess(int[] Permutation, float[] Offset);

/// <summary>
/// Replaces a leading preprocessing graph by C# arithmetic when, and only when, it provably computes
/// <c>out[p] = in[perm[p]] + offset[p]</c> for a constant per-element offset.
/// </summary>
/// <remarks>
/// <para>Proof in two parts. Structure: the graph (read with the protobuf reader) has one input and one output
/// and contains only <c>Split</c>, <c>Concat</c>, <c>Identity</c>, and <c>Sub</c>/<c>Add</c> with a constant
/// initializer: channel moves and one IEEE addition per element, which the C# loop repeats exactly
/// (<c>x − m</c> and <c>x + (0 − m)</c> are the same IEEE operation). Behaviour: the offset is the graph's own
/// output for an all-zero input, the permutation is read off three constant planes, and the graph's output for a
/// seeded random photo-like input and for all-255 must then equal the C# result bit for bit; any difference keeps
/// the graph.</para>
/// <para>Why: for resnet18 the preprocessing graph is a second session run per image with its own thread pool
/// and a 600 KB tensor copy; in C# it is one table lookup and one add per value, fused into writing the tensor.</para>
/// </remarks>
internal static class PreprocessFolding
{
    private static readonly HashSet<string> ChannelOps = new(StringComparer.Ordinal) { "Split", "Concat", "Identity" };

    /// <summary>Larger graph files are not read: a real preprocessing graph is small (resnet18's is 600 KB).</summary>
    private const long MaxGraphBytes = 64L << 20;

    /// <summary>
    /// Tries to fold <paramref name="session"/>, the first graph of a chain, whose input tensor has shape
    /// <paramref name="shape"/> (<c>[1,3,H,W]</c> or <c>[3,H,W]</c>).
    /// </summary>
    /// <param name="write">Writes a photo's tensor the way the embedder does before this graph (the manifest formula), for the behaviour check.</param>
    /// <returns>The fold, or null (with the reason in <paramref name="why"/>) when the graph must keep running.</returns>
    public static FoldedPreprocess? TryFold(string file, InferenceSession session, string input, string output, long[] shape,
        Action<ReadOnlySpan<byte>, Span<float>> write, out string why)
    {
        if (!IsChannelAffine(file, input, output, out why)) return null;

        int length = checked((int)shape.Aggregate(1L, (a, b) => a * b));
        int plane = length / 3;
        if (!session.OutputMetadata.TryGetValue(output, out NodeMetadata? meta)
            || !meta.Dimensions.Select(d => (long)d).SequenceEqual(shape))
        {
            why = "its output shape differs from its input shape";
            return null;
        }

        float[] offset = Run(session, input, output, shape, new float[length]);

        // Planes filled with 16, 32, 48 (exact in float32): each output plane minus the offset shows its source.
        float[] markers = new float[length];
        for (int c = 0; c < 3; c++) markers.AsSpan(c * plane, plane).Fill(16 * (c + 1));
        float[] moved = Run(session, input, output, shape, markers);
        int[] permutation = new int[3];
        for (int p = 0; p < 3; p++)
        {
            int source = Enumerable.Range(0, 3).FirstOrDefault(c => moved[p * plane] == 16 * (c + 1) + offset[p * plane], -1);
            if (source < 0)
            {
                why = $"output plane {p} is not an input plane plus a constant";
                return null;
            }
            permutation[p] = source;
        }
        if (permutation.Distinct().Count() != 3)
        {
            why = "the channel mapping is not a permutation";
            return null;
        }

        var fold = new FoldedPreprocess(permutation, offset);
        var random = new Random(20241128);
        byte[] photo = new byte[length];
        random.NextBytes(photo);
        foreach (byte[] rgb in new[] { photo, Enumerable.Repeat((byte)255, length).ToArray() })
        {
            float[] tensor = new float[length];
            write(rgb, tensor);
            float[] expected = Run(session, input, output, shape, tensor);
            float[] folded = new float[length];
            for (int p = 0; p < 3; p++)
                for (int i = 0; i < plane; i++)
                    folded[p * plane + i] = tensor[permutation[p] * plane + i] + offset[p * plane + i];
            if (!expected.AsSpan().SequenceEqual(folded))
            {
                why = "its output differs from the folded arithmetic";
                return null;
            }
        }
        why = "";
        return fold;
    }

    /// <summary>The structural half of the proof: only channel moves and constant Add/Sub between input and output.</summary>
    internal static bool IsChannelAffine(string file, string input, string output, out string why)
    {
        OnnxGraphProto graph;
        try
        {
            if (new FileInfo(file).Length > MaxGraphBytes)
            {
                why = "the graph file is large";
                return false;
            }
            graph = OnnxModelProto.Parse(File.ReadAllBytes(file)).Graph;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or OverflowException)
        {
            why = $"the graph could not be read ({e.Message})";
            return false;
        }

        var constants = graph.Initializers.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        int additions = 0;
        foreach (OnnxNodeProto node in graph.Nodes)
        {
            if (node.Domain.Length > 0 && node.Domain != "ai.onnx")
            {
                why = $"it uses operator {node.Domain}.{node.OpType}";
                return false;
            }
            if (ChannelOps.Contains(node.OpType)) continue;
            if (node.OpType is "Sub" or "Add" && node.Inputs.Count == 2 && constants.Contains(node.Inputs[1]) && !constants.Contains(node.Inputs[0]))
            {
                additions++;
                continue;
            }
            why = $"it uses operator {node.OpType}";
            return false;
        }
        if (additions > 1)
        {
            // Two roundings in a row are not one IEEE addition; the C# loop does exactly one.
            why = "it adds constants more than once";
            return false;
        }
        if (!graph.Inputs.Any(i => i.Name == input) || !graph.Outputs.Any(o => o.Name == output))
        {
            why = "its input or output is not where the manifest says";
            return false;
        }
        why = "";
        return true;
    }

    private static float[] Run(InferenceSession session, string input, string output, long[] shape, float[] data)
    {
        using var runOptions = new RunOptions();
        using OrtValue value = OrtValue.CreateTensorValueFromMemory(data, shape);
        using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(runOptions, [input], [value], [output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
