using System.Buffers.Binary;
using System.Text;

namespace Lookalike.TestKit;

/// <summary>
/// Writes small ONNX models from scratch (ModelProto bytes by hand, field numbers from onnx/onnx.proto), so tests can
/// bring a model of their own without shipping binaries: <see cref="PoolConvModel"/> is a fixed-weight
/// AveragePool → Conv network of any input size and output width.
/// </summary>
public static class TinyOnnx
{
    /// <summary>
    /// A model with input <c>image</c> [1,3,<paramref name="size"/>,<paramref name="size"/>] and output <c>features</c>
    /// [1,<paramref name="channels"/>,2,2]: AveragePool (kernel and stride size/8) to an 8×8 thumbnail, then a 4×4 stride-4
    /// convolution with seeded random weights and bias. <paramref name="size"/> must be a multiple of 8.
    /// </summary>
    public static byte[] PoolConvModel(int size, int channels, int seed)
    {
        if (size % 8 != 0 || size < 8) throw new ArgumentOutOfRangeException(nameof(size), "size must be a positive multiple of 8");
        int pool = size / 8;
        var random = new Random(seed);
        float[] weights = Enumerable.Range(0, channels * 3 * 4 * 4).Select(_ => random.NextSingle() * 2 - 1).ToArray();
        float[] bias = Enumerable.Range(0, channels).Select(_ => random.NextSingle() * 0.1f).ToArray();

        byte[][] nodes =
        [
            Node("AveragePool", ["image"], ["thumb"], IntsAttribute("kernel_shape", pool, pool), IntsAttribute("strides", pool, pool)),
            Node("Conv", ["thumb", "w", "b"], ["features"], IntsAttribute("kernel_shape", 4, 4), IntsAttribute("strides", 4, 4)),
        ];
        var graph = new Message();
        foreach (byte[] node in nodes) graph.Bytes(1, node);
        graph.String(2, "tiny");
        graph.Bytes(5, Tensor("w", [channels, 3, 4, 4], weights));
        graph.Bytes(5, Tensor("b", [channels], bias));
        graph.Bytes(11, ValueInfo("image", [1, 3, size, size]));
        graph.Bytes(12, ValueInfo("features", [1, channels, 2, 2]));

        var model = new Message();
        model.Varint(1, 7);                       // ir_version
        model.String(2, "lookalike-tests");       // producer_name
        model.Bytes(7, graph.ToArray());          // graph
        model.Bytes(8, new Message().String(1, "").Varint(2, 13).ToArray()); // opset_import: default domain, opset 13
        return model.ToArray();
    }

    private static byte[] Node(string op, string[] inputs, string[] outputs, params byte[][] attributes)
    {
        var node = new Message();
        foreach (string i in inputs) node.String(1, i);
        foreach (string o in outputs) node.String(2, o);
        node.String(3, $"{op}_{outputs[0]}");
        node.String(4, op);
        foreach (byte[] a in attributes) node.Bytes(5, a);
        return node.ToArray();
    }

    /// <summary>AttributeProto of type INTS (7): name 1, ints 8, type 20.</summary>
    private static byte[] IntsAttribute(string name, params long[] values)
    {
        var attribute = new Message().String(1, name);
        foreach (long v in values) attribute.Varint(8, v);
        return attribute.Varint(20, 7).ToArray();
    }

    /// <summary>TensorProto: dims 1, data_type 2 (FLOAT = 1), name 8, raw_data 9 (little-endian floats).</summary>
    private static byte[] Tensor(string name, long[] dims, float[] values)
    {
        var tensor = new Message();
        foreach (long d in dims) tensor.Varint(1, d);
        tensor.Varint(2, 1);
        tensor.String(8, name);
        byte[] raw = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), values[i]);
        return tensor.Bytes(9, raw).ToArray();
    }

    /// <summary>ValueInfoProto (name 1, type 2) of a float tensor: TypeProto.tensor_type 1 → elem_type 1, shape 2 → dim 1 → dim_value 1.</summary>
    private static byte[] ValueInfo(string name, long[] shape)
    {
        var dims = new Message();
        foreach (long d in shape) dims.Bytes(1, new Message().Varint(1, d).ToArray());
        byte[] tensorType = new Message().Varint(1, 1).Bytes(2, dims.ToArray()).ToArray();
        return new Message().String(1, name).Bytes(2, new Message().Bytes(1, tensorType).ToArray()).ToArray();
    }

    /// <summary>A protobuf message being written: varint and length-delimited fields only.</summary>
    private sealed class Message
    {
        private readonly List<byte> _bytes = [];

        public Message Varint(int field, long value)
        {
            Key(field, 0);
            Raw(unchecked((ulong)value));
            return this;
        }

        public Message Bytes(int field, byte[] value)
        {
            Key(field, 2);
            Raw((ulong)value.Length);
            _bytes.AddRange(value);
            return this;
        }

        public Message String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

        public byte[] ToArray() => [.. _bytes];

        private void Key(int field, int wireType) => Raw((ulong)((field << 3) | wireType));

        private void Raw(ulong value)
        {
            while (value >= 0x80)
            {
                _bytes.Add((byte)(value | 0x80));
                value >>= 7;
            }
            _bytes.Add((byte)value);
        }
    }
}
