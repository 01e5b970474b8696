using System.Buffers;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// Runs the ONNX graph chain a <see cref="ModelManifest"/> describes on the CPU and returns L2-normalised embeddings.
/// </summary>
/// <remarks>
/// <para>Create one per process and share it: construction loads every graph into one <see cref="InferenceSession"/>
/// (hundreds of milliseconds for ResNet18), checks the tensor names and shapes against the manifest, and hashes the
/// files for <see cref="Model"/>. <see cref="Embed"/> is thread-safe and allocates only the runtime's output tensors.</para>
/// <para>Ownership: this instance owns its native sessions; <see cref="Dispose"/> releases them and must not race
/// with a running <see cref="Embed"/>. The caller keeps ownership of the images and destination spans.</para>
/// </remarks>
public sealed class OnnxImageEmbedder : IImageEmbedder
{
    private readonly Stage[] _stages;
    private readonly RunOptions _runOptions;
    private readonly PixelTensorWriter _writer;
    private readonly long[] _inputShape;
    private readonly int _inputLength;
    private bool _disposed;

    /// <summary>Loads the manifest's graphs.</summary>
    /// <param name="manifest">The model to run; graph files resolve against its <see cref="ModelManifest.BaseDirectory"/>.</param>
    /// <param name="options">Threading; null for the defaults.</param>
    /// <exception cref="LookalikeException">
    /// <see cref="LookalikeErrorKind.ModelUnavailable"/> with the file as subject: a graph file is missing or not a loadable
    /// ONNX model, a manifest input/output name is not in the graph (the message lists the names it has), or the tensor
    /// types and shapes do not fit the manifest. Also for invalid manifest fields.
    /// </exception>
    public OnnxImageEmbedder(ModelManifest manifest, OnnxEmbeddingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        options ??= new OnnxEmbeddingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntraOpThreads, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.IntraOpThreads, 1024, nameof(options));

        // Missing files first, so the error's subject is the file rather than the manifest.
        foreach (ModelGraph graph in manifest.Graphs ?? [])
        {
            if (graph?.File is { Length: > 0 } && !File.Exists(manifest.ResolvePath(graph)))
                throw OrtErrors.ModelUnavailable(manifest.ResolvePath(graph), $"Model file not found: {manifest.ResolvePath(graph)} (graph of model '{manifest.Name}').");
        }
        manifest.Validate($"'{manifest.Name}'"); // throws ModelUnavailable for bad fields, so Graphs is non-null below

        Manifest = manifest;
        Dimension = manifest.Dimension;
        Target = manifest.Target;
        _writer = new PixelTensorWriter(manifest);
        _inputLength = 3 * manifest.InputWidth * manifest.InputHeight;
        _inputShape = manifest.BatchDimension
            ? [1, 3, manifest.InputHeight, manifest.InputWidth]   // NCHW
            : [3, manifest.InputHeight, manifest.InputWidth];     // CHW

        _stages = new Stage[manifest.Graphs!.Count];
        try
        {
            using var sessionOptions = new SessionOptions
            {
                IntraOpNumThreads = options.IntraOpThreads,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            // Each session has its own pool; a spinning pool of one graph would steal cores from the next graph's run.
            sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.SpinWait ? "1" : "0");
            for (int i = 0; i < _stages.Length; i++)
            {
                ModelGraph graph = manifest.Graphs[i];
                string path = manifest.ResolvePath(graph);
                InferenceSession session = OrtErrors.Call(path, "load", () => new InferenceSession(path, sessionOptions));
                _stages[i] = new Stage(path, graph.Input, graph.Output, session);
            }
            CheckChain();
            Model = ModelFingerprint.Compute(manifest);
            _runOptions = new RunOptions(); // shared by all runs: only read by the runtime
        }
        catch
        {
            foreach (Stage? stage in _stages) stage?.Session.Dispose();
            throw;
        }
    }

    /// <summary>The manifest this embedder runs.</summary>
    public ModelManifest Manifest { get; }

    /// <inheritdoc />
    /// <remarks><c>{manifest name}@{8 hex}</c>; the hex covers preprocessing, tensor names and file contents, not paths.</remarks>
    public ModelId Model { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public ImageTarget Target { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="ArgumentException">The image is not <see cref="Target"/> sized or <paramref name="destination"/> is shorter than <see cref="Dimension"/>.</exception>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.ModelUnavailable"/>: the runtime failed, or the output has an unexpected shape or non-finite values.</exception>
    /// <exception cref="ObjectDisposedException">The embedder was disposed.</exception>
    public void Embed(DecodedImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (image.Width != Target.Width || image.Height != Target.Height)
            throw new ArgumentException($"Image is {image.Width}x{image.Height}; model '{Manifest.Name}' needs {Target.Width}x{Target.Height}.", nameof(image));
        if (destination.Length < Dimension)
            throw new ArgumentException($"Destination holds {destination.Length} floats; the embedding has {Dimension}.", nameof(destination));

        // The pooled buffer is pinned by the OrtValue for the duration of the first Run; no copy is made.
        float[] buffer = ArrayPool<float>.Shared.Rent(_inputLength);
        IDisposableReadOnlyCollection<OrtValue>? outputs = null;
        try
        {
            _writer.Write(image.Pixels, buffer.AsSpan(0, _inputLength));
            using OrtValue input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, _inputLength), _inputShape);

            OrtValue current = input;
            foreach (Stage stage in _stages)
            {
                OrtValue feed = current;
                IDisposableReadOnlyCollection<OrtValue> next =
                    OrtErrors.Call(stage.File, "run", () => stage.Session.Run(_runOptions, stage.InputNames, [feed], stage.OutputNames));
                outputs?.Dispose(); // the previous stage's output has been consumed
                outputs = next;
                current = next[0];
            }

            Stage last = _stages[^1];
            ReadOnlySpan<long> shape = current.GetTensorTypeAndShape().Shape;
            if (EmbeddingReadout.Write(current.GetTensorDataAsSpan<float>(), shape, Dimension, destination) is { } problem)
                throw OrtErrors.ModelUnavailable(last.File, $"Output '{last.OutputNames[0]}' of {last.File} {problem}.");
        }
        finally
        {
            outputs?.Dispose();
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Releases the native sessions. Not thread-safe with respect to <see cref="Embed"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (Stage stage in _stages) stage.Session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>Checks names, element types and the shapes passed along the chain against the manifest.</summary>
    private void CheckChain()
    {
        long[]? previousShape = _inputShape;
        string previousWhat = $"the image tensor built from the manifest ([{string.Join(", ", _inputShape)}])";
        foreach (Stage stage in _stages)
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

        Stage last = _stages[^1];
        if (EmbeddingReadout.Check(previousShape, Dimension) is { } problem)
            throw Unavailable(last, $"output '{last.OutputNames[0]}' {problem}");

        static string Names(IReadOnlyDictionary<string, NodeMetadata> metadata) =>
            string.Join(", ", metadata.Select(m => $"'{m.Key}' [{string.Join(", ", m.Value.Dimensions)}]"));

        // Dimensions ≤ 0 are symbolic (e.g. a batch axis "N") and accept anything.
        static bool Compatible(long[] given, long[] accepted) =>
            given.Length == accepted.Length && given.Zip(accepted).All(p => p.First <= 0 || p.Second <= 0 || p.First == p.Second);

        LookalikeException Unavailable(Stage stage, string why) =>
            OrtErrors.ModelUnavailable(stage.File, $"Model '{Manifest.Name}': graph {stage.File} {why}.");
    }

    /// <summary>One graph of the chain; its session is owned by the embedder.</summary>
    private sealed record Stage(string File, string[] InputNames, string[] OutputNames, InferenceSession Session)
    {
        public Stage(string file, string input, string output, InferenceSession session)
            : this(file, [input], [output], session)
        {
        }
    }
}
