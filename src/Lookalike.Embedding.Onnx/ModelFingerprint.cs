using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Learning;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// Computes the <see cref="ModelId"/> <c>{name}@{8 hex}</c>: the hex is the start of a SHA-256 over everything that
/// changes the vectors: the manifest's preprocessing and tensor names, and the content of each graph file.
/// </summary>
/// <remarks>
/// <para>Hashed text, one line each, invariant culture, floats in round-trip form:
/// <c>lookalike-model-id/1</c>, input size, resize mode, channel order, scale, mean, std, batch dimension,
/// dimension, then per graph in order: input name, output name, file length and content hash. A test-time
/// augmentation other than none adds the line <c>augmentation {mode}</c> and the suffix <c>+{mode}</c> to the name
/// (<c>resnet18+flip@…</c>); a pooling other than average likewise adds <c>pooling {descriptor}</c> and
/// <c>+gem3</c> / <c>+max</c> after it (<c>resnet18+flip+gem3@…</c>). Without them nothing is added, so ids of stores
/// made before they existed are unchanged.</para>
/// <para>File names and folders are not hashed: the same model installed elsewhere has the same id. The name is
/// not hashed either; it is the readable prefix.</para>
/// <para>Content hash: SHA-256 of the whole file up to <see cref="FullHashLimit"/> bytes (the bundled 61 MiB
/// ResNet18 hashes in ~50 ms, cheap next to creating its session, and a fine-tuned model of the same size still
/// gets a new id); above it, SHA-256 of the first and last MiB ("sampled"), so a 500 MB model starts fast.
/// The rule depends on the file size only, so the id is the same on every machine.</para>
/// </remarks>
internal static class ModelFingerprint
{
    /// <summary>Files up to this size (256 MiB) are hashed whole.</summary>
    public const long FullHashLimit = 256L << 20;

    private const int SampleBytes = 1 << 20;

    public static ModelId Compute(ModelManifest manifest)
    {
        var text = new StringBuilder();
        void Line(FormattableString s) => text.Append(FormattableString.Invariant(s)).Append('\n');
        static string Floats(IEnumerable<float> values) => string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));

        Line($"lookalike-model-id/1");
        Line($"input {manifest.InputWidth}x{manifest.InputHeight}");
        Line($"resize {manifest.Resize}");
        Line($"channels {manifest.ChannelOrder}");
        Line($"scale {Floats([manifest.Scale])}");
        Line($"mean {Floats(manifest.Mean)}");
        Line($"std {Floats(manifest.Std)}");
        Line($"batch {manifest.BatchDimension}");
        Line($"dimension {manifest.Dimension}");
        if (manifest.Augmentation != TestTimeAugmentation.None)
            Line($"augmentation {AugmentationName(manifest.Augmentation)}");
        if (!manifest.Pooling.IsAverage)
            Line($"pooling {manifest.Pooling}");
        if (manifest.Readout != HeadReadout.None)
            Line($"readout {RegionVectors.Suffix}");
        foreach (ModelGraph graph in manifest.Graphs)
        {
            string path = manifest.ResolvePath(graph);
            (long length, string hash) = HashFile(path);
            Line($"graph in={graph.Input} out={graph.Output} length={length} {hash}");
        }

        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
        string name = manifest.Name;
        if (manifest.Augmentation != TestTimeAugmentation.None) name += "+" + AugmentationName(manifest.Augmentation);
        if (!manifest.Pooling.IsAverage) name += "+" + manifest.Pooling;
        if (manifest.Readout != HeadReadout.None) name += "+" + RegionVectors.Suffix;
        return new ModelId($"{name}@{Convert.ToHexStringLower(digest.AsSpan(0, 4))}");
    }

    /// <summary>The lower-case name used in ids and in <c>--model resnet18+flip</c>.</summary>
    public static string AugmentationName(TestTimeAugmentation augmentation) => augmentation.ToString().ToLowerInvariant();

    private static (long Length, string Hash) HashFile(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
            long length = file.Length;
            if (length <= FullHashLimit)
                return (length, "sha256=" + Convert.ToHexStringLower(SHA256.HashData(file)));

            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            byte[] buffer = new byte[SampleBytes];
            file.ReadExactly(buffer);
            sha.AppendData(buffer);
            file.Seek(-SampleBytes, SeekOrigin.End);
            file.ReadExactly(buffer);
            sha.AppendData(buffer);
            return (length, "sampled-sha256=" + Convert.ToHexStringLower(sha.GetHashAndReset()));
        }
        catch (IOException e)
        {
            throw OrtErrors.ModelUnavailable(path, $"Cannot read model file {path}: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw OrtErrors.ModelUnavailable(path, $"Cannot read model file {path}: {e.Message}", e);
        }
    }
}
