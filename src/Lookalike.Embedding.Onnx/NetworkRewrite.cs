using Lookalike.Core.Embedding;
using Lookalike.Embedding.Onnx.Graphs;

namespace Lookalike.Embedding.Onnx;

/// <summary>Loads the network graph, rewritten in memory when the manifest pools itself or batching is on.</summary>
internal static class NetworkRewrite
{
    /// <summary>
    /// The network file rewritten in memory when needed: <paramref name="output"/> exposed when it is an intermediate
    /// tensor (a feature map for GeM/max pooling), the batch axis made symbolic when batching. Null when the file
    /// loads as is. The file itself, and with it the model id, is not changed.
    /// </summary>
    /// <param name="exposeOutput">
    /// True when <paramref name="output"/> may be an intermediate tensor: the manifest pools a feature map itself, or
    /// the map is read raw (<see cref="OnnxFeatureMapReader"/>).
    /// </param>
    public static byte[]? Load(ModelManifest manifest, string path, string output, bool batchable, bool exposeOutput)
    {
        // Only a manifest that pools itself names a tensor before the network's pooling; reading 61 MB for every
        // plain model would be waste, and a missing output is reported by CheckChain with the names the graph has.
        if (!batchable && !exposeOutput) return null;
        try
        {
            byte[] bytes = File.ReadAllBytes(path);
            byte[]? exposed = exposeOutput ? OutputExposure.Expose(bytes, output) : null;
            if (batchable) return BatchRewrite.SymbolicBatch(exposed ?? bytes);
            return exposed;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw OrtErrors.ModelUnavailable(path, $"Model file {path} could not be read for rewriting (batching or exposing '{output}'): {e.Message}", e);
        }
    }
}
