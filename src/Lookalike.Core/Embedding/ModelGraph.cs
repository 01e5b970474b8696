namespace Lookalike.Core.Embedding;

/// <summary>One ONNX graph of a model chain: its file and the tensor names to feed and read.</summary>
/// <param name="File">Path of the .onnx file; relative paths resolve against the manifest's folder.</param>
/// <param name="Input">Name of the graph input that receives the previous stage's output (or the image tensor).</param>
/// <param name="Output">Name of the graph output passed on (the last graph's output is the embedding).</param>
public sealed record ModelGraph(string File, string Input, string Output);
