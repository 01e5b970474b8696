using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx;

/// <summary>One graph of the chain; its session is owned by the embedder.</summary>
internal sealed record GraphStage(string File, string[] InputNames, string[] OutputNames, InferenceSession Session)
{
    public GraphStage(string file, string input, string output, InferenceSession session)
        : this(file, [input], [output], session)
    {
    }
}
