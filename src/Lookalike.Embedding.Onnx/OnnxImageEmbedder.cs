using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics.Tensors;
using Lookalike.Core.Catalog;
using Lookalike.Core.Embedding;
using Lookalike.Core.Learning;
using Lookalike.Core.Errors;
using Lookalike.Core.Imaging;
using Lookalike.Embedding.Onnx.Graphs;
using Microsoft.ML.OnnxRuntime;

namespace Lookalike.Embedding.Onnx;

/// <summary>
/// Runs the ONNX graph chain a <see cref="ModelManifest"/> describes and returns L2-normalised embeddings.
/// </summary>
/// <remarks>
/// <para>Create one per process and share it: construction loads every graph into one <see cref="InferenceSession"/>
/// (hundreds of milliseconds for ResNet18), checks the tensor names and shapes against the manifest, and hashes the
/// files for <see cref="Model"/>. <see cref="Embed"/> is thread-safe; concurrent calls run concurrently on the
/// shared session.</para>
/// <para>Hot path: the RGB bytes are written straight into a pinned input tensor that is reused between calls
/// (one per concurrent caller), a leading preprocessing graph is replaced by the same arithmetic in C# when that is
/// proven bit-identical (<see cref="PreprocessFolding"/>), and when the last graph's output shape is fixed the
/// runtime writes into a reused managed output buffer. A call allocates nothing on the managed heap.</para>
/// <para>Ownership: this instance owns its native sessions and tensors; <see cref="Dispose"/> releases them and must
/// not race with a running <see cref="Embed"/>. The caller keeps ownership of the images and destination spans.</para>
/// </remarks>
public sealed class OnnxImageEmbedder : IImageEmbedder
{
    private readonly GraphStage[] _stages;
    private readonly RunOptions _runOptions;
    private readonly PixelTensorWriter _writer;
    private readonly long[] _inputShape;
    private readonly int _inputLength;
    private readonly long[]? _outputShape; // fixed shape of the last output, when the graph declares one
    private readonly ConcurrentBag<RunBuffers> _buffers = [];
    private readonly ConcurrentBag<BatchBuffers> _batchBuffers = [];
    private bool _disposed;
    private readonly bool _rawOutput;

    /// <summary>Loads the manifest's graphs.</summary>
    /// <param name="manifest">The model to run; graph files resolve against its <see cref="ModelManifest.BaseDirectory"/>.</param>
    /// <param name="options">Threads, runtime settings, precision and device; null for the defaults.</param>
    /// <exception cref="LookalikeException">
    /// <see cref="LookalikeErrorKind.ModelUnavailable"/> with the file as subject: a graph file is missing or not a loadable
    /// ONNX model, a manifest input/output name is not in the graph (the message lists the names it has), or the tensor
    /// types and shapes do not fit the manifest. Also for invalid manifest fields.
    /// </exception>
    public OnnxImageEmbedder(ModelManifest manifest, OnnxEmbeddingOptions? options = null)
        : this(manifest, options, rawOutput: false)
    {
    }

    /// <param name="rawOutput">
    /// True: the manifest's output is exposed even when it is an intermediate tensor and <see cref="ReadRawOutput"/>
    /// returns it unpooled (<see cref="OnnxFeatureMapReader"/>); <see cref="Embed"/> must then not be called.
    /// </param>
    internal OnnxImageEmbedder(ModelManifest manifest, OnnxEmbeddingOptions? options, bool rawOutput)
    {
        _rawOutput = rawOutput;
        ArgumentNullException.ThrowIfNull(manifest);
        options ??= new OnnxEmbeddingOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.IntraOpThreads, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.IntraOpThreads, 1024, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.BatchSize, 256, nameof(options));

        // Missing files first, so the error's subject is the file rather than the manifest.
        foreach (ModelGraph graph in manifest.Graphs ?? [])
        {
            if (graph?.File is { Length: > 0 } && !File.Exists(manifest.ResolvePath(graph)))
                throw OrtErrors.ModelUnavailable(manifest.ResolvePath(graph), $"Model file not found: {manifest.ResolvePath(graph)} (graph of model '{manifest.Name}').");
        }
        manifest.Validate($"'{manifest.Name}'"); // throws ModelUnavailable for bad fields, so Graphs is non-null below

        Manifest = manifest;
        Options = options;
        Dimension = manifest.VectorDimension;
        Target = manifest.Target;
        _inputLength = 3 * manifest.InputWidth * manifest.InputHeight;
        _inputShape = manifest.BatchDimension
            ? [1, 3, manifest.InputHeight, manifest.InputWidth]   // NCHW
            : [3, manifest.InputHeight, manifest.InputWidth];     // CHW

        var stages = new GraphStage[manifest.Graphs!.Count];
        try
        {
            using SessionOptions sessionOptions = OnnxSessionOptions.Create(options, out EmbeddingDevice device, out string? deviceNote);
            Device = device;
            DeviceNote = deviceNote;
            // Batching: the network (last graph) is loaded once, straight from a copy with a symbolic batch axis.
            bool batchable = options.BatchSize > 1 && manifest.BatchDimension;
            for (int i = 0; i < stages.Length; i++)
            {
                ModelGraph graph = manifest.Graphs[i];
                string path = manifest.ResolvePath(graph);
                byte[]? rewritten = i == stages.Length - 1 ? NetworkRewrite.Load(manifest, path, graph.Output, batchable, exposeOutput: !manifest.Pooling.IsAverage || manifest.Readout != HeadReadout.None || rawOutput) : null;
                InferenceSession session = rewritten is not null
                    ? OrtErrors.Call(path, "load", () => new InferenceSession(rewritten, sessionOptions))
                    : OrtErrors.Call(path, "load", () => new InferenceSession(path, sessionOptions));
                stages[i] = new GraphStage(path, graph.Input, graph.Output, session);
            }
            GraphChainCheck.Check(stages, _inputShape, manifest.Dimension, manifest);
            Model = ModelFingerprint.Compute(manifest);

            var manifestWriter = new PixelTensorWriter(manifest);
            FoldedPreprocess? fold = null;
            if (options.FoldPreprocess && stages.Length > 1)
            {
                GraphStage first = stages[0];
                fold = PreprocessFolding.TryFold(first.File, first.Session, first.InputNames[0], first.OutputNames[0], _inputShape, (rgb, tensor) => manifestWriter.Write(rgb, tensor), out string why);
                PreprocessNote = fold is null ? $"{Path.GetFileName(first.File)} runs as a graph: {why}" : $"{Path.GetFileName(first.File)} folded into the tensor writer";
                if (fold is not null)
                {
                    first.Session.Dispose();
                    stages = stages[1..];
                }
            }
            if (batchable && stages.Length == 1)
                BatchSize = options.BatchSize; // one network fed straight from the tensor writer: calls may carry several images
            _stages = stages;
            _writer = fold is null ? manifestWriter : new PixelTensorWriter(manifest, fold);

            GraphStage last = _stages[^1];
            long[] declared = last.Session.OutputMetadata[last.OutputNames[0]].Dimensions.Select(d => (long)d).ToArray();
            if (BatchSize > 1 && declared.Length > 0) declared[0] = 1; // per image
            _outputShape = declared.All(d => d > 0) && EmbeddingReadout.Check(declared, manifest.Dimension, manifest.Pooling, manifest.Readout) is null ? declared : null;
            _runOptions = new RunOptions(); // shared by all runs: only read by the runtime
        }
        catch
        {
            foreach (GraphStage? stage in stages) stage?.Session.Dispose();
            throw;
        }
    }

    /// <summary>Images per runtime call in <see cref="EmbedBatch"/>: <see cref="OnnxEmbeddingOptions.BatchSize"/> when the model allows batching, else 1.</summary>
    public int BatchSize { get; } = 1;

    /// <summary>The manifest this embedder runs.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>The options this embedder was created with.</summary>
    public OnnxEmbeddingOptions Options { get; }

    /// <summary>Where the network actually runs: <see cref="EmbeddingDevice.Cpu"/> when CUDA was asked for but is unavailable.</summary>
    public EmbeddingDevice Device { get; }

    /// <summary>Why the requested device is not used (null when it is).</summary>
    public string? DeviceNote { get; }

    /// <summary>Whether a leading preprocessing graph was folded into C#, and if not why (null for single-graph models).</summary>
    public string? PreprocessNote { get; }

    /// <summary>True when the first graph of the manifest runs as C# arithmetic instead of a session.</summary>
    public bool PreprocessFolded => _stages.Length < Manifest.Graphs.Count;

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

        EmbedView(image, mirror: false, destination);
        if (Manifest.Augmentation == TestTimeAugmentation.Flip)
        {
            float[] mirrored = ArrayPool<float>.Shared.Rent(Dimension);
            try
            {
                EmbedView(image, mirror: true, mirrored);
                AverageViews(destination[..Dimension], mirrored.AsSpan(0, Dimension));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(mirrored);
            }
        }
    }

    /// <summary>The unit embedding of the photo as is, or of its mirror image.</summary>
    private void EmbedView(DecodedImage image, bool mirror, Span<float> destination)
    {
        // One set of pinned tensors per concurrent caller, reused: no allocation and no copy per image.
        RunBuffers buffers = _buffers.TryTake(out RunBuffers? free) ? free : new RunBuffers(_inputLength, _inputShape, _outputShape);
        try
        {
            _writer.Write(image.Pixels, buffers.Input, mirror);
            GraphStage last = _stages[^1];
            if (_stages.Length == 1 && buffers.Outputs is not null)
            {
                OrtErrors.Call(last.File, "run", () => last.Session.Run(_runOptions, last.InputNames, buffers.Inputs, last.OutputNames, buffers.Outputs));
                Readout(last, buffers.Output, _outputShape!, destination);
            }
            else
            {
                RunChain(buffers.Inputs[0], destination);
            }
        }
        finally
        {
            if (_disposed) buffers.Dispose();
            else _buffers.Add(buffers);
        }
    }

    /// <summary>The fixed shape of the last graph's output (e.g. <c>[1,512,7,7]</c>), null when the graph does not declare one.</summary>
    internal IReadOnlyList<long>? OutputShape => _outputShape;

    /// <summary>Runs the chain on <paramref name="image"/> (or its mirror) and copies the last output, unpooled, into <paramref name="destination"/>.</summary>
    internal void ReadRawOutput(DecodedImage image, bool mirror, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_rawOutput) throw new InvalidOperationException("This embedder was not created for raw output.");
        if (image.Width != Target.Width || image.Height != Target.Height)
            throw new ArgumentException($"Image is {image.Width}x{image.Height}; model '{Manifest.Name}' needs {Target.Width}x{Target.Height}.", nameof(image));
        EmbedView(image, mirror, destination);
    }

    /// <summary>The graph file that receives the image tensor after folding (the network itself for resnet18).</summary>
    internal string NetworkFile => _stages[^1].File;

    /// <summary>Input tensor name of <see cref="NetworkFile"/>.</summary>
    internal string NetworkInput => _stages[^1].InputNames[0];

    /// <summary>Input tensor shape (<c>[1,3,H,W]</c> or <c>[3,H,W]</c>).</summary>
    internal long[] InputShape => _inputShape;

    /// <summary>
    /// Writes the tensor <see cref="NetworkFile"/> receives for <paramref name="image"/>; false when more than one
    /// graph still runs (then the network's input is another graph's output, not something written here).
    /// </summary>
    internal bool TryWriteNetworkInput(DecodedImage image, Span<float> tensor)
    {
        if (_stages.Length != 1) return false;
        _writer.Write(image.Pixels, tensor[.._inputLength]);
        return true;
    }

    /// <summary>
    /// Embeds <paramref name="images"/> into consecutive rows of <paramref name="destination"/> (row <c>i</c> at
    /// <c>i * Dimension</c>), <see cref="BatchSize"/> images per runtime call. Same vectors as <see cref="Embed"/> on
    /// each image, up to float reassociation inside the runtime. Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">An image is not <see cref="Target"/> sized, or <paramref name="destination"/> is shorter than <c>images.Count * Dimension</c>.</exception>
    /// <exception cref="LookalikeException"><see cref="LookalikeErrorKind.ModelUnavailable"/>: the runtime failed or produced unusable output.</exception>
    public void EmbedBatch(IReadOnlyList<DecodedImage> images, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(images);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length < images.Count * Dimension)
            throw new ArgumentException($"Destination holds {destination.Length} floats; {images.Count} embeddings need {images.Count * Dimension}.", nameof(destination));
        foreach (DecodedImage image in images)
        {
            ArgumentNullException.ThrowIfNull(image, nameof(images));
            if (image.Width != Target.Width || image.Height != Target.Height)
                throw new ArgumentException($"Image is {image.Width}x{image.Height}; model '{Manifest.Name}' needs {Target.Width}x{Target.Height}.", nameof(images));
        }
        if (BatchSize == 1 || _outputShape is null)
        {
            for (int i = 0; i < images.Count; i++) Embed(images[i], destination.Slice(i * Dimension, Dimension));
            return;
        }

        RunBatches(images, mirror: false, destination);
        if (Manifest.Augmentation == TestTimeAugmentation.Flip)
        {
            float[] mirrored = ArrayPool<float>.Shared.Rent(images.Count * Dimension);
            try
            {
                RunBatches(images, mirror: true, mirrored);
                for (int i = 0; i < images.Count; i++)
                    AverageViews(destination.Slice(i * Dimension, Dimension), mirrored.AsSpan(i * Dimension, Dimension));
            }
            finally
            {
                ArrayPool<float>.Shared.Return(mirrored);
            }
        }
    }

    /// <summary>Flip augmentation: <paramref name="destination"/> ← normalise(destination + <paramref name="other"/>), both unit vectors.</summary>
    private static void AverageViews(Span<float> destination, ReadOnlySpan<float> other)
    {
        TensorPrimitives.Add(destination, other, destination);
        float norm = TensorPrimitives.Norm(destination);
        if (norm > 0) TensorPrimitives.Divide(destination, norm, destination);
    }

    private void RunBatches(IReadOnlyList<DecodedImage> images, bool mirror, Span<float> destination)
    {
        long[] fixedOutput = _outputShape!; // checked by the caller
        int outputLength = checked((int)fixedOutput.Aggregate(1L, (a, b) => a * b));
        BatchBuffers buffers = _batchBuffers.TryTake(out BatchBuffers? free) ? free : new BatchBuffers(BatchSize * _inputLength, BatchSize * outputLength);
        try
        {
            GraphStage network = _stages[0];
            for (int start = 0; start < images.Count; start += BatchSize)
            {
                int n = Math.Min(BatchSize, images.Count - start);
                for (int i = 0; i < n; i++)
                    _writer.Write(images[start + i].Pixels, buffers.Input.AsSpan(i * _inputLength, _inputLength), mirror);
                long[] inputShape = [n, .. _inputShape[1..]];   // [n,3,H,W]
                long[] outputShape = [n, .. fixedOutput[1..]]; // e.g. [n,512,1,1]
                using OrtValue input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffers.Input.AsMemory(0, n * _inputLength), inputShape);
                using OrtValue output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffers.Output.AsMemory(0, n * outputLength), outputShape);
                OrtErrors.Call(network.File, "run", () => network.Session.Run(_runOptions, network.InputNames, [input], network.OutputNames, [output]));
                for (int i = 0; i < n; i++)
                    Readout(network, buffers.Output.AsSpan(i * outputLength, outputLength), fixedOutput, destination.Slice((start + i) * Dimension, Dimension));
            }
        }
        finally
        {
            if (!_disposed) _batchBuffers.Add(buffers); // plain arrays: nothing native to release
        }
    }

    /// <summary>Releases the native sessions and tensors. Not thread-safe with respect to <see cref="Embed"/>.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (GraphStage stage in _stages) stage.Session.Dispose();
        while (_buffers.TryTake(out RunBuffers? buffers)) buffers.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>The general path: each graph's output feeds the next; the runtime allocates the intermediate tensors.</summary>
    private void RunChain(OrtValue input, Span<float> destination)
    {
        IDisposableReadOnlyCollection<OrtValue>? outputs = null;
        try
        {
            OrtValue current = input;
            foreach (GraphStage stage in _stages)
            {
                OrtValue feed = current;
                IDisposableReadOnlyCollection<OrtValue> next =
                    OrtErrors.Call(stage.File, "run", () => stage.Session.Run(_runOptions, stage.InputNames, [feed], stage.OutputNames));
                outputs?.Dispose(); // the previous stage's output has been consumed
                outputs = next;
                current = next[0];
            }
            Readout(_stages[^1], current.GetTensorDataAsSpan<float>(), current.GetTensorTypeAndShape().Shape, destination);
        }
        finally
        {
            outputs?.Dispose();
        }
    }

    private void Readout(GraphStage last, ReadOnlySpan<float> output, ReadOnlySpan<long> shape, Span<float> destination)
    {
        if (_rawOutput)
        {
            if (output.Length != destination.Length)
                throw OrtErrors.ModelUnavailable(last.File, $"Output '{last.OutputNames[0]}' of {last.File} has {output.Length} values, expected {destination.Length}.");
            output.CopyTo(destination);
            return;
        }
        if (EmbeddingReadout.Write(output, shape, Manifest.Dimension, destination, Manifest.Pooling, Manifest.Readout) is { } problem)
            throw OrtErrors.ModelUnavailable(last.File, $"Output '{last.OutputNames[0]}' of {last.File} {problem}.");
    }
}
