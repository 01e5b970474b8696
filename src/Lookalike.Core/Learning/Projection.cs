using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using Lookalike.Core.Vectors;

namespace Lookalike.Core.Learning;

/// <summary>
/// A learned map from raw embeddings into a catalog's look-alike space:
/// <c>y = normalise(L_n(…L_1(x)…) + (Residual ? x : 0))</c>, each <see cref="ProjectionLayer"/> affine (optionally ReLU).
/// A linear method (learned whitening, LDA) is one layer; the metric-learning head is two layers with a residual.
/// Output vectors are unit length, so cosine stays the metric. Immutable and thread-safe.
/// </summary>
public sealed class Projection
{
    /// <summary>Version of the <see cref="ToBytes"/> layout; bumped when it changes.</summary>
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "LKPROJ\0\0"u8;

    /// <exception cref="ArgumentException">No layers, layers that do not chain, a residual whose output is wider than the input, or a non-finite weight.</exception>
    public Projection(IReadOnlyList<ProjectionLayer> layers, bool residual)
    {
        ArgumentNullException.ThrowIfNull(layers);
        if (layers.Count == 0) throw new ArgumentException("A projection needs at least one layer.", nameof(layers));
        for (int i = 0; i < layers.Count; i++)
        {
            layers[i].Validate();
            if (i > 0 && layers[i].Inputs != layers[i - 1].Outputs)
                throw new ArgumentException($"Layer {i} takes {layers[i].Inputs} values but layer {i - 1} gives {layers[i - 1].Outputs}.", nameof(layers));
        }
        if (residual && layers[^1].Outputs > layers[0].Inputs)
            throw new ArgumentException($"A residual projection adds the first values of its input; its output ({layers[^1].Outputs}) cannot be wider than its input ({layers[0].Inputs}).", nameof(residual));
        Layers = layers.ToArray();
        Residual = residual;
        Width = Layers.Max(l => l.Outputs);
    }

    public IReadOnlyList<ProjectionLayer> Layers { get; }

    /// <summary>
    /// Whether the input is added to the last layer's output before normalising. A residual projection whose input is
    /// wider than its output adds the input's first <see cref="OutputDimension"/> values: the photo's vector, with what
    /// else the head reads after it (<see cref="RegionReadout"/>).
    /// </summary>
    public bool Residual { get; }

    public int InputDimension => Layers[0].Inputs;

    public int OutputDimension => Layers[^1].Outputs;

    private int Width { get; }

    /// <summary>Maps one vector of <see cref="InputDimension"/> values to a unit vector of <see cref="OutputDimension"/> values.</summary>
    /// <exception cref="ArgumentException">Wrong lengths.</exception>
    public void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != InputDimension) throw new ArgumentException($"Expected {InputDimension} values, got {input.Length}.", nameof(input));
        if (output.Length != OutputDimension) throw new ArgumentException($"Expected room for {OutputDimension} values, got {output.Length}.", nameof(output));
        Span<float> a = Width <= 4096 ? stackalloc float[Width] : new float[Width];
        Span<float> b = Width <= 4096 ? stackalloc float[Width] : new float[Width];
        scoped ReadOnlySpan<float> current = input;
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            var next = (l == Layers.Count - 1 ? output : (l % 2 == 0 ? a : b))[..layer.Outputs];
            var weights = layer.Weights.AsSpan();
            for (int o = 0; o < layer.Outputs; o++)
                next[o] = TensorPrimitives.Dot(weights.Slice(o * layer.Inputs, layer.Inputs), current) + layer.Bias[o];
            if (layer.Relu) TensorPrimitives.Max(next, 0f, next);
            current = next;
        }
        if (Residual) TensorPrimitives.Add(output, input[..OutputDimension], output);
        VectorMath.Normalize(output);
    }

    /// <summary>Maps a vector and what the head reads beside it (<see cref="RegionReadout"/>), taken together as its input.</summary>
    /// <exception cref="ArgumentException">The two do not add up to <see cref="InputDimension"/> values.</exception>
    public float[] ApplyWithReadout(ReadOnlySpan<float> vector, ReadOnlySpan<float> readout)
    {
        if (vector.Length + readout.Length != InputDimension)
            throw new ArgumentException($"Expected {InputDimension} values, got {vector.Length} + {readout.Length}.", nameof(readout));
        var input = new float[InputDimension];
        vector.CopyTo(input);
        readout.CopyTo(input.AsSpan(vector.Length));
        var output = new float[OutputDimension];
        Apply(input, output);
        return output;
    }

    /// <summary>Whether the projection is linear in its input apart from the bias (no ReLU anywhere).</summary>
    public bool IsLinear => Layers.All(l => !l.Relu);

    /// <summary>
    /// Splits the projection of <paramref name="input"/>, before normalising, over parts of the input that sum to it:
    /// each part goes through the layers with every ReLU held as it opens for <paramref name="input"/> (the Jacobian
    /// there) and takes its share of every bias, so the parts sum exactly to the un-normalised output at <paramref name="input"/>.
    /// </summary>
    /// <param name="input">The whole vector (<see cref="InputDimension"/> values).</param>
    /// <param name="parts">Row-major, one row of <see cref="InputDimension"/> values per part; the rows sum to <paramref name="input"/>.</param>
    /// <param name="shares">Each part's share of the biases; they sum to 1.</param>
    /// <returns>One row of <see cref="OutputDimension"/> values per part.</returns>
    /// <exception cref="ArgumentException">Wrong lengths.</exception>
    public float[] Split(ReadOnlySpan<float> input, ReadOnlySpan<float> parts, ReadOnlySpan<float> shares)
    {
        if (input.Length != InputDimension) throw new ArgumentException($"Expected {InputDimension} values, got {input.Length}.", nameof(input));
        int count = shares.Length;
        if (parts.Length != (long)count * InputDimension) throw new ArgumentException($"Expected {count}×{InputDimension} values, got {parts.Length}.", nameof(parts));
        var open = OpenUnits(input);
        var output = new float[(long)count * OutputDimension];
        var a = new float[Width];
        var b = new float[Width];
        for (int part = 0; part < count; part++)
        {
            ReadOnlySpan<float> x = parts.Slice(part * InputDimension, InputDimension);
            ReadOnlySpan<float> current = x;
            Span<float> destination = output.AsSpan(part * OutputDimension, OutputDimension);
            for (int l = 0; l < Layers.Count; l++)
            {
                var layer = Layers[l];
                Span<float> next = l == Layers.Count - 1 ? destination : (l % 2 == 0 ? a : b).AsSpan(0, layer.Outputs);
                var weights = layer.Weights.AsSpan();
                for (int o = 0; o < layer.Outputs; o++)
                    next[o] = layer.Relu && !open[l][o] ? 0f : TensorPrimitives.Dot(weights.Slice(o * layer.Inputs, layer.Inputs), current) + shares[part] * layer.Bias[o];
                current = next;
            }
            if (Residual) TensorPrimitives.Add(destination, x[..OutputDimension], destination);
        }
        return output;
    }

    /// <summary>For each layer, which of its units pass the ReLU for <paramref name="input"/> (all of them where there is none).</summary>
    private bool[][] OpenUnits(ReadOnlySpan<float> input)
    {
        var open = new bool[Layers.Count][];
        float[] current = input.ToArray();
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            var next = new float[layer.Outputs];
            open[l] = new bool[layer.Outputs];
            for (int o = 0; o < layer.Outputs; o++)
            {
                next[o] = TensorPrimitives.Dot(layer.Weights.AsSpan(o * layer.Inputs, layer.Inputs), current) + layer.Bias[o];
                open[l][o] = !layer.Relu || next[o] > 0;
                if (!open[l][o]) next[o] = 0;
            }
            current = next;
        }
        return open;
    }

    /// <summary>Maps <paramref name="count"/> row-major vectors; returns count×<see cref="OutputDimension"/> values.</summary>
    public float[] ApplyAll(ReadOnlySpan<float> rows, int count)
    {
        if (rows.Length != (long)count * InputDimension) throw new ArgumentException($"Expected {count}×{InputDimension} values, got {rows.Length}.", nameof(rows));
        var output = new float[(long)count * OutputDimension];
        float[] input = rows.ToArray();
        var product = new PackedProduct();
        for (int first = 0; first < count; first += RowBlock)
        {
            int block = Math.Min(RowBlock, count - first);
            ApplyRows(input.AsSpan(first * InputDimension, block * InputDimension), block, output.AsSpan(first * OutputDimension, block * OutputDimension), product);
        }
        return output;
    }

    /// <summary>Rows <see cref="ApplyRows"/> is best given at a time: large enough for the packed product, small enough for the cache.</summary>
    public const int RowBlock = 256;

    /// <summary>
    /// Maps <paramref name="count"/> row-major vectors into <paramref name="output"/> (count×<see cref="OutputDimension"/>),
    /// each layer as one matrix product over all the rows (<see cref="PackedProduct"/>, both cores): the same map as
    /// <see cref="Apply"/>, summed in another order, so values may differ from it in the last bits.
    /// </summary>
    /// <param name="product">The caller's packing buffers (one caller at a time), kept between calls.</param>
    /// <exception cref="ArgumentException">Wrong lengths.</exception>
    public void ApplyRows(ReadOnlySpan<float> rows, int count, Span<float> output, PackedProduct product)
    {
        ArgumentNullException.ThrowIfNull(product);
        if (rows.Length != (long)count * InputDimension) throw new ArgumentException($"Expected {count}×{InputDimension} values, got {rows.Length}.", nameof(rows));
        if (output.Length != (long)count * OutputDimension) throw new ArgumentException($"Expected room for {count}×{OutputDimension} values, got {output.Length}.", nameof(output));
        if (count == 0) return;
        float[] current = rows.ToArray();
        for (int l = 0; l < Layers.Count; l++)
        {
            var layer = Layers[l];
            var next = GC.AllocateUninitializedArray<float>(count * layer.Outputs);
            product.MultiplyTransposed(current, count, layer.Weights, layer.Outputs, layer.Inputs, next);
            for (int r = 0; r < count; r++)
            {
                var row = next.AsSpan(r * layer.Outputs, layer.Outputs);
                TensorPrimitives.Add(row, layer.Bias, row);
                if (layer.Relu) TensorPrimitives.Max(row, 0f, row);
            }
            current = next;
        }
        for (int r = 0; r < count; r++)
        {
            var row = output.Slice(r * OutputDimension, OutputDimension);
            current.AsSpan(r * OutputDimension, OutputDimension).CopyTo(row);
            if (Residual) TensorPrimitives.Add(row, rows.Slice(r * InputDimension, OutputDimension), row);
            VectorMath.Normalize(row);
        }
    }

    /// <summary>
    /// The weights as bytes: magic <c>LKPROJ</c>, format version, residual flag, layer count, then per layer inputs,
    /// outputs, ReLU flag, weights and biases as little-endian float32.
    /// </summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(Residual);
        writer.Write(Layers.Count);
        foreach (var layer in Layers)
        {
            writer.Write(layer.Inputs);
            writer.Write(layer.Outputs);
            writer.Write(layer.Relu);
            foreach (float w in layer.Weights) writer.Write(w);
            foreach (float b in layer.Bias) writer.Write(b);
        }
        writer.Flush();
        return stream.ToArray();
    }

    /// <summary>Reads what <see cref="ToBytes"/> wrote.</summary>
    /// <exception cref="FormatException">Not a projection, another format version, truncated, or inconsistent.</exception>
    public static Projection FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length + 9 || !bytes[..Magic.Length].SequenceEqual(Magic)) throw new FormatException("Not a Lookalike projection (bad magic).");
        int at = Magic.Length;
        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        if (version != FormatVersion) throw new FormatException($"Projection format version {version}; this build reads {FormatVersion}.");
        at += 4;
        bool residual = bytes[at++] != 0;
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
        at += 4;
        if (count is < 1 or > 16) throw new FormatException($"Projection has {count} layers.");
        var layers = new List<ProjectionLayer>(count);
        try
        {
            for (int l = 0; l < count; l++)
            {
                int inputs = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]);
                int outputs = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 4)..]);
                bool relu = bytes[at + 8] != 0;
                at += 9;
                if (inputs is < 1 or > 65536 || outputs is < 1 or > 65536) throw new FormatException($"Layer {l} is {inputs}→{outputs}.");
                var weights = new float[inputs * outputs];
                var bias = new float[outputs];
                for (int i = 0; i < weights.Length; i++, at += 4) weights[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[at..]);
                for (int i = 0; i < bias.Length; i++, at += 4) bias[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[at..]);
                layers.Add(new ProjectionLayer(inputs, outputs, weights, bias, relu));
            }
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException("Projection bytes are truncated.", e);
        }
        if (at != bytes.Length) throw new FormatException($"Projection has {bytes.Length - at} trailing bytes.");
        try
        {
            return new Projection(layers, residual);
        }
        catch (ArgumentException e)
        {
            throw new FormatException(e.Message, e);
        }
    }

    /// <summary>First 16 hex digits of the SHA-256 of <see cref="ToBytes"/>: names this projection in derived caches.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(ToBytes()))[..16];

    /// <summary>A single affine layer <c>y = normalise(W·(x − μ))</c>, the mean folded into the bias.</summary>
    public static Projection Linear(int inputs, int outputs, float[] weights, ReadOnlySpan<float> mean)
    {
        var bias = new float[outputs];
        for (int o = 0; o < outputs; o++) bias[o] = -TensorPrimitives.Dot(weights.AsSpan(o * inputs, inputs), mean);
        return new Projection([new ProjectionLayer(inputs, outputs, weights, bias, Relu: false)], residual: false);
    }
}
