using Lookalike.Embedding.Onnx.Graphs;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx.Tests;

/// <summary>The minimal protobuf/ONNX reader and writer: what it writes, ONNX Runtime reads and runs the same.</summary>
public sealed class OnnxProtoTests
{
    [Fact]
    public void Varints_RoundTrip_IncludingNegativeAndLarge()
    {
        long[] values = [0, 1, 127, 128, 300, int.MaxValue, long.MaxValue, -1, -224];
        byte[] bytes = ProtoWire.Write([ProtoWire.PackedInt64s(1, values), .. values.Select(v => ProtoField.Varint(2, v))]);
        List<ProtoField> fields = ProtoWire.Parse(bytes);
        Assert.Equal(values, ProtoWire.Int64s(fields, 1));
        Assert.Equal(values, ProtoWire.Int64s(fields, 2));
    }

    [Fact]
    public void Parse_Truncated_InvalidDataException()
    {
        byte[] bytes = ProtoWire.Write([ProtoField.String(1, "hello world")]);
        Assert.Throws<InvalidDataException>(() => ProtoWire.Parse(bytes.AsMemory(0, bytes.Length - 3)));
    }

    [Fact]
    public void RoundTrip_ResNetPreprocess_RuntimeGivesSameOutput()
    {
        var manifest = BuiltInModels.Resolve(BuiltInModels.ResNet18);
        byte[] original = File.ReadAllBytes(manifest.ResolvePath(manifest.Graphs[0]));
        var model = OnnxModelProto.Parse(original);
        Assert.Equal(["Split", "Concat", "Sub"], model.Graph.Nodes.Select(n => n.OpType));
        Assert.Equal(1L, model.Graph.Nodes[0].GetInt("axis"));
        byte[] rewritten = model.ToBytes();

        float[] input = new float[3 * 224 * 224];
        var random = new Random(5);
        for (int i = 0; i < input.Length; i++) input[i] = random.Next(256);
        Assert.Equal(Run(original, input), Run(rewritten, input));
    }

    [Fact]
    public void ValueInfo_SymbolicBatch_WrittenAsDimParam()
    {
        var info = new OnnxValueInfo { Name = "x", Shape = [null, 3, 224, 224], DimParams = ["N", null, null, null] };
        var back = OnnxValueInfo.Parse(info.ToBytes());
        Assert.Equal("x", back.Name);
        Assert.Equal([null, 3L, 224L, 224L], back.Shape!);
        Assert.Equal("N", back.DimParams![0]);
    }

    [Fact]
    public void TinyModel_WrittenFromScratch_RunsInOnnxRuntime()
    {
        byte[] model = TinyModels.Preprocess("Sub");
        float[] input = new float[3 * TinyModels.Width * TinyModels.Height];
        float[] output = Run(model, input, "x", "y", TinyModels.ImageShape);
        Assert.Equal(TinyModels.Mean().Select(m => -m), output);
    }

    private static float[] Run(byte[] model, float[] input, string inputName = "OriginalInput", string outputName = "PreprocessedInput", long[]? shape = null)
    {
        using var session = new InferenceSession(model);
        using var runOptions = new RunOptions();
        using var value = OrtValue.CreateTensorValueFromMemory(input, shape ?? [1, 3, 224, 224]);
        using var outputs = session.Run(runOptions, [inputName], [value], [outputName]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }
}
