using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx;

/// <summary>Checks a loaded graph chain (names, element types, shapes passed along) against its manifest.</summary>
internal static class GraphChainCheck
{
    /// <summary>Checks names, element types and the shapes passed along the chain against the manifest.</summary>
    public static void Check(GraphStage[] stages, long[] inputShape, int dimension, ModelManifest manifest)
    {
        long[]? previousShape = inputShape;
        string previousWhat = $"the image tensor built from the manifest ([{string.Join(", ", inputShape)}])";
        foreach (GraphStage stage in stages)
        {
            IReadOnlyDictionary<string, NodeMetadata> inputs = stage.Session.InputMetadata;
            IReadOnlyDictionary<string, NodeMetadata> outputs = stage.Session.OutputMetadata;
            string inputName = stage.InputNames[0], outputName = stage.OutputNames[0];

            if (!inputs.TryGetValue(inputName, out NodeMetadata? input))
                throw Unavailable(stage, $"has no input named '{inputName}'; its inputs are: {Names(inputs)}");
            if (!outputs.TryGetValue(outputName, out NodeMetadata? output))
                throw Unavailable(stage, $"has no output named '{outputName}'; its outputs are: {Names(outputs)}");
            if (inputs.Count > 1)
                throw Unavailable(stage, $"needs several inputs ({Names(inputs)}); Lookalike feeds only '{inputName}'");
            if (!input.IsTensor || input.ElementType != typeof(float))
                throw Unavailable(stage, $"input '{inputName}' is {input.ElementDataType}; Lookalike feeds float32 tensors");
            if (!output.IsTensor || output.ElementType != typeof(float))
                throw Unavailable(stage, $"output '{outputName}' is {output.ElementDataType}; Lookalike reads float32 tensors");

            long[] expected = input.Dimensions.Select(d => (long)d).ToArray();
            if (previousShape is not null && !Compatible(previousShape, expected))
                throw Unavailable(stage, $"input '{inputName}' has shape [{string.Join(", ", expected)}], which does not accept {previousWhat}");

            previousShape = output.Dimensions.Select(d => (long)d).ToArray();
            previousWhat = $"output '{outputName}' of {Path.GetFileName(stage.File)} ([{string.Join(", ", previousShape)}])";
        }

        GraphStage last = stages[^1];
        if (EmbeddingReadout.Check(previousShape, dimension, manifest.Pooling, manifest.Readout) is { } problem)
            throw Unavailable(last, $"output '{last.OutputNames[0]}' {problem}");

        static string Names(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
            string.Join(", ", metadata.Select(m => $"'{m.Key}' [{string.Join(", ", m.Value.Dimensions)}]"));

        // Dimensions ≤ 0 are symbolic (e.g. a batch axis "N") and accept anything.
        static bool Compatible(long[] given, long[] accepted) =>
            given.Length == accepted.Length && given.Zip(accepted).All(p => p.First <= 0 || p.Second <= 0 || p.First == p.Second);

        LookalikeException Unavailable(GraphStage stage, string why) =>
            OrtErrors.ModelUnavailable(stage.File, $"Model '{manifest.Name}': graph {stage.File} {why}.");
    }
}
