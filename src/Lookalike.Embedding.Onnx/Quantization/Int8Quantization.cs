using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;

namespace Lookalike.Embedding.Onnx.Quantization;

/// <summary>Entry points for int8: measuring a calibration table on photos, and the quantised copy of a built-in model.</summary>
public static class Int8Quantization
{
    /// <summary>
    /// Runs the float network of <paramref name="fp32"/> on <paramref name="images"/> (decoded at its target), records
    /// every activation's range and writes the calibration table to <paramref name="path"/>. Used once per model to
    /// produce the shipped table (see the project README); ~40 ms per image on 2 cores.
    /// </summary>
    /// <param name="source">Where the photos came from, recorded in the file.</param>
    /// <returns>The number of photos used.</returns>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.ModelUnavailable"/>: the model is not a single folded network of supported operators.</exception>
    public static int WriteCalibration(OnnxImageEmbedder fp32, IEnumerable<DecodedImage> images, string source, string path)
    {
        ArgumentNullException.ThrowIfNull(fp32);
        ArgumentNullException.ThrowIfNull(images);
        int length = checked((int)fp32.InputShape.Aggregate(1L, (a, b) => a * b));
        IEnumerable<float[]> Inputs()
        {
            foreach (DecodedImage image in images)
            {
                float[] tensor = new float[length];
                if (!fp32.TryWriteNetworkInput(image, tensor))
                    throw OrtErrors.ModelUnavailable(fp32.NetworkFile, $"Model '{fp32.Manifest.Name}' still runs several graphs; int8 calibration needs one network after a folded preprocessing graph.");
                yield return tensor;
            }
        }
        try
        {
            var table = CalibrationTable.Measure(File.ReadAllBytes(fp32.NetworkFile), fp32.Model.Value, source, fp32.NetworkInput, fp32.InputShape, Inputs());
            table.Save(path);
            return table.Images;
        }
        catch (NotSupportedException e)
        {
            throw OrtErrors.ModelUnavailable(fp32.NetworkFile, $"Model '{fp32.Manifest.Name}' cannot be quantised: {e.Message}.", e);
        }
    }
}
