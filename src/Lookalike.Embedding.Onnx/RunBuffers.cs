using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx;

/// <summary>A batch caller's reusable arrays; the tensors over them are made per call, since the last batch may be short.</summary>
internal sealed class BatchBuffers(int inputLength, int outputLength)
{
    public float[] Input { get; } = GC.AllocateUninitializedArray<float>(inputLength, pinned: true);
    public float[] Output { get; } = GC.AllocateUninitializedArray<float>(outputLength, pinned: true);
}

/// <summary>A caller's reusable tensors: input (and output when its shape is fixed) over pinned managed arrays.</summary>
internal sealed class RunBuffers : IDisposable
{
    public RunBuffers(int inputLength, long[] inputShape, long[]? outputShape)
    {
        Input = new float[inputLength];
        Inputs = [OrtValue.CreateTensorValueFromMemory(Input, inputShape)];
        if (outputShape is not null)
        {
            Output = new float[checked((int)outputShape.Aggregate(1L, (a, b) => a * b))];
            Outputs = [OrtValue.CreateTensorValueFromMemory(Output, outputShape)];
        }
    }

    public float[] Input { get; }
    public float[] Output { get; } = [];
    public OrtValue[] Inputs { get; }
    public OrtValue[]? Outputs { get; }

    public void Dispose()
    {
        foreach (OrtValue value in Inputs) value.Dispose();
        foreach (OrtValue value in Outputs ?? []) value.Dispose();
    }
}
