using System.Runtime.InteropServices;

namespace Lookalike.Embedding.Onnx.Graphs;

/// <summary>
/// The part of an ONNX <c>ModelProto</c> (onnx.proto3, IR version 3+) that graph rewriting needs, as mutable objects.
/// Everything else (producer, doc strings, metadata, unknown fields) is kept as raw fields and written back unchanged.
/// </summary>
/// <remarks>Field numbers are the ones in onnx/onnx.proto; each class names them once as constants.</remarks>
internal sealed class OnnxModelProto
{
    private const int IrVersionField = 1, GraphField = 7, OpsetImportField = 8;
    private const int OpsetDomainField = 1, OpsetVersionField = 2;

    private readonly List<ProtoField> _other = [];

    public required OnnxGraphProto Graph { get; set; }

    /// <summary>ONNX IR version (3 for the CNTK export of resnet18; 7 goes with opset 13).</summary>
    public long IrVersion { get; set; } = 7;

    /// <summary>Operator set versions by domain ("" is the default ONNX domain).</summary>
    public Dictionary<string, long> Opsets { get; } = new(StringComparer.Ordinal);

    public static OnnxModelProto Parse(ReadOnlyMemory<byte> bytes)
    {
        OnnxGraphProto? graph = null;
        long irVersion = 0;
        var other = new List<ProtoField>();
        var opsets = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (ProtoField f in ProtoWire.Parse(bytes))
        {
            switch (f.Number)
            {
                case IrVersionField: irVersion = f.AsInt64(); break;
                case GraphField: graph = OnnxGraphProto.Parse(f.Bytes); break;
                case OpsetImportField:
                    List<ProtoField> o = ProtoWire.Parse(f.Bytes);
                    string domain = o.LastOrDefault(x => x.Number == OpsetDomainField) is { Type: WireType.LengthDelimited } d ? d.AsString() : "";
                    opsets[domain] = o.LastOrDefault(x => x.Number == OpsetVersionField).AsInt64();
                    break;
                default: other.Add(f); break;
            }
        }
        var model = new OnnxModelProto { Graph = graph ?? throw new InvalidDataException("the ONNX model has no graph"), IrVersion = irVersion };
        model._other.AddRange(other);
        foreach (var (domain, version) in opsets) model.Opsets[domain] = version;
        return model;
    }

    public byte[] ToBytes()
    {
        var buffer = new ProtoBuffer();
        buffer.Add(ProtoField.Varint(IrVersionField, IrVersion));
        foreach (ProtoField f in _other) buffer.Add(f);
        buffer.Add(ProtoField.Delimited(GraphField, Graph.ToBytes()));
        foreach (var (domain, version) in Opsets)
            buffer.Add(ProtoField.Delimited(OpsetImportField, ProtoWire.Write([ProtoField.String(OpsetDomainField, domain), ProtoField.Varint(OpsetVersionField, version)])));
        return buffer.ToArray();
    }
}

/// <summary>An ONNX <c>GraphProto</c>: nodes in topological order, initializers, graph inputs and outputs.</summary>
internal sealed class OnnxGraphProto
{
    private const int NodeField = 1, InitializerField = 5, InputField = 11, OutputField = 12, ValueInfoField = 13;

    private readonly List<ProtoField> _other = [];

    public List<OnnxNodeProto> Nodes { get; } = [];
    public List<OnnxTensorProto> Initializers { get; } = [];
    public List<OnnxValueInfo> Inputs { get; } = [];
    public List<OnnxValueInfo> Outputs { get; } = [];
    public List<OnnxValueInfo> ValueInfos { get; } = [];

    public static OnnxGraphProto Parse(ReadOnlyMemory<byte> bytes)
    {
        var graph = new OnnxGraphProto();
        foreach (ProtoField f in ProtoWire.Parse(bytes))
        {
            switch (f.Number)
            {
                case NodeField: graph.Nodes.Add(OnnxNodeProto.Parse(f.Bytes)); break;
                case InitializerField: graph.Initializers.Add(OnnxTensorProto.Parse(f.Bytes)); break;
                case InputField: graph.Inputs.Add(OnnxValueInfo.Parse(f.Bytes)); break;
                case OutputField: graph.Outputs.Add(OnnxValueInfo.Parse(f.Bytes)); break;
                case ValueInfoField: graph.ValueInfos.Add(OnnxValueInfo.Parse(f.Bytes)); break;
                default: graph._other.Add(f); break;
            }
        }
        return graph;
    }

    public byte[] ToBytes()
    {
        var buffer = new ProtoBuffer();
        foreach (OnnxNodeProto n in Nodes) buffer.Add(ProtoField.Delimited(NodeField, n.ToBytes()));
        foreach (ProtoField f in _other) buffer.Add(f);
        foreach (OnnxTensorProto t in Initializers) buffer.Add(ProtoField.Delimited(InitializerField, t.ToBytes()));
        foreach (OnnxValueInfo v in Inputs) buffer.Add(ProtoField.Delimited(InputField, v.ToBytes()));
        foreach (OnnxValueInfo v in Outputs) buffer.Add(ProtoField.Delimited(OutputField, v.ToBytes()));
        foreach (OnnxValueInfo v in ValueInfos) buffer.Add(ProtoField.Delimited(ValueInfoField, v.ToBytes()));
        return buffer.ToArray();
    }
}

/// <summary>An ONNX <c>NodeProto</c>; attributes stay raw <c>AttributeProto</c> messages with typed helpers.</summary>
internal sealed class OnnxNodeProto
{
    private const int InputField = 1, OutputField = 2, NameField = 3, OpTypeField = 4, AttributeField = 5, DomainField = 7;
    private const int AttrNameField = 1, AttrFloatField = 2, AttrIntField = 3, AttrStringField = 4, AttrFloatsField = 7, AttrIntsField = 8, AttrTypeField = 20;
    private const int AttrTypeFloat = 1, AttrTypeInt = 2, AttrTypeString = 3, AttrTypeInts = 7;

    private readonly List<ProtoField> _other = [];

    public required string OpType { get; set; }
    public string Name { get; set; } = "";
    public string Domain { get; set; } = "";
    public List<string> Inputs { get; } = [];
    public List<string> Outputs { get; } = [];

    /// <summary>Raw <c>AttributeProto</c> bytes by attribute name, in order.</summary>
    public List<(string Name, ReadOnlyMemory<byte> Bytes)> Attributes { get; } = [];

    public static OnnxNodeProto Parse(ReadOnlyMemory<byte> bytes)
    {
        List<ProtoField> fields = ProtoWire.Parse(bytes);
        var node = new OnnxNodeProto { OpType = fields.LastOrDefault(f => f.Number == OpTypeField) is { Type: WireType.LengthDelimited } op ? op.AsString() : "" };
        foreach (ProtoField f in fields)
        {
            switch (f.Number)
            {
                case InputField: node.Inputs.Add(f.AsString()); break;
                case OutputField: node.Outputs.Add(f.AsString()); break;
                case NameField: node.Name = f.AsString(); break;
                case OpTypeField: break;
                case DomainField: node.Domain = f.AsString(); break;
                case AttributeField:
                    string name = ProtoWire.Parse(f.Bytes).Last(a => a.Number == AttrNameField).AsString();
                    node.Attributes.Add((name, f.Bytes));
                    break;
                default: node._other.Add(f); break;
            }
        }
        return node;
    }

    public byte[] ToBytes()
    {
        var buffer = new ProtoBuffer();
        foreach (string i in Inputs) buffer.Add(ProtoField.String(InputField, i));
        foreach (string o in Outputs) buffer.Add(ProtoField.String(OutputField, o));
        if (Name.Length > 0) buffer.Add(ProtoField.String(NameField, Name));
        buffer.Add(ProtoField.String(OpTypeField, OpType));
        foreach (var (_, bytes) in Attributes) buffer.Add(ProtoField.Delimited(AttributeField, bytes));
        if (Domain.Length > 0) buffer.Add(ProtoField.String(DomainField, Domain));
        foreach (ProtoField f in _other) buffer.Add(f);
        return buffer.ToArray();
    }

    public bool HasAttribute(string name) => Attributes.Any(a => a.Name == name);

    public void RemoveAttribute(string name) => Attributes.RemoveAll(a => a.Name == name);

    public long? GetInt(string name) => Find(name) is { } a ? a.LastOrDefault(f => f.Number == AttrIntField).AsInt64() : null;

    public float? GetFloat(string name) => Find(name) is { } a ? a.LastOrDefault(f => f.Number == AttrFloatField).AsFloat() : null;

    public string? GetString(string name) => Find(name) is { } a && a.LastOrDefault(f => f.Number == AttrStringField) is { Type: WireType.LengthDelimited } s ? s.AsString() : null;

    public long[]? GetInts(string name) => Find(name) is { } a ? ProtoWire.Int64s(a, AttrIntsField).ToArray() : null;

    public void SetInt(string name, long value) => Set(name, [ProtoField.Varint(AttrIntField, value), ProtoField.Varint(AttrTypeField, AttrTypeInt)]);

    public void SetFloat(string name, float value) => Set(name, [ProtoField.Fixed32(AttrFloatField, value), ProtoField.Varint(AttrTypeField, AttrTypeFloat)]);

    public void SetString(string name, string value) => Set(name, [ProtoField.String(AttrStringField, value), ProtoField.Varint(AttrTypeField, AttrTypeString)]);

    public void SetInts(string name, IEnumerable<long> values) => Set(name, [ProtoWire.PackedInt64s(AttrIntsField, values), ProtoField.Varint(AttrTypeField, AttrTypeInts)]);

    private List<ProtoField>? Find(string name)
    {
        foreach (var (n, bytes) in Attributes)
            if (n == name) return ProtoWire.Parse(bytes);
        return null;
    }

    private void Set(string name, ProtoField[] value)
    {
        byte[] bytes = ProtoWire.Write([ProtoField.String(AttrNameField, name), .. value]);
        int index = Attributes.FindIndex(a => a.Name == name);
        if (index >= 0) Attributes[index] = (name, bytes);
        else Attributes.Add((name, bytes));
    }
}

/// <summary>ONNX <c>TensorProto.DataType</c> values used here.</summary>
internal enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    Int32 = 6,
    Int64 = 7,
}

/// <summary>An ONNX <c>TensorProto</c> (an initializer): name, dims, element type and the data as little-endian bytes.</summary>
internal sealed class OnnxTensorProto
{
    private const int DimsField = 1, DataTypeField = 2, FloatDataField = 4, Int32DataField = 5, Int64DataField = 7, NameField = 8, RawDataField = 9;

    public required string Name { get; set; }
    public required long[] Dims { get; set; }
    public required OnnxDataType DataType { get; set; }

    /// <summary>Element data, little-endian, densely packed (what <c>raw_data</c> holds).</summary>
    public required byte[] Raw { get; set; }

    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);

    public static OnnxTensorProto Parse(ReadOnlyMemory<byte> bytes)
    {
        List<ProtoField> fields = ProtoWire.Parse(bytes);
        var type = (OnnxDataType)fields.LastOrDefault(f => f.Number == DataTypeField).AsInt64();
        string name = fields.LastOrDefault(f => f.Number == NameField) is { Type: WireType.LengthDelimited } n ? n.AsString() : "";
        long[] dims = ProtoWire.Int64s(fields, DimsField).ToArray();
        byte[]? raw = fields.LastOrDefault(f => f.Number == RawDataField) is { Type: WireType.LengthDelimited } r ? r.Bytes.ToArray() : null;
        if (raw is null)
        {
            // Typed repeated fields: float_data packs fixed32; int32_data (also int8/uint8) and int64_data pack varints.
            raw = type switch
            {
                OnnxDataType.Float => FloatData(fields),
                OnnxDataType.Int64 => MemoryMarshal.AsBytes(ProtoWire.Int64s(fields, Int64DataField).ToArray().AsSpan()).ToArray(),
                OnnxDataType.Int32 => MemoryMarshal.AsBytes(ProtoWire.Int64s(fields, Int32DataField).Select(v => (int)v).ToArray().AsSpan()).ToArray(),
                OnnxDataType.Int8 or OnnxDataType.UInt8 => ProtoWire.Int64s(fields, Int32DataField).Select(v => (byte)v).ToArray(),
                _ => throw new InvalidDataException($"initializer '{name}' has unsupported data type {(int)type}"),
            };
        }
        return new OnnxTensorProto { Name = name, Dims = dims, DataType = type, Raw = raw };
    }

    /// <summary>float_data: normally one packed field (copied as is, little-endian), rarely unpacked fixed32 values.</summary>
    private static byte[] FloatData(List<ProtoField> fields)
    {
        var parts = fields.Where(f => f.Number == FloatDataField).ToList();
        if (parts.Count == 1 && parts[0].Type == WireType.LengthDelimited) return parts[0].Bytes.ToArray();
        var bytes = new List<byte>();
        foreach (ProtoField f in parts)
        {
            if (f.Type == WireType.Fixed32) bytes.AddRange(BitConverter.GetBytes((uint)f.Scalar));
            else bytes.AddRange(f.Bytes.ToArray());
        }
        return [.. bytes];
    }

    public static OnnxTensorProto FromFloats(string name, long[] dims, ReadOnlySpan<float> values) =>
        new() { Name = name, Dims = dims, DataType = OnnxDataType.Float, Raw = MemoryMarshal.AsBytes(values).ToArray() };

    public static OnnxTensorProto FromInt32s(string name, long[] dims, ReadOnlySpan<int> values) =>
        new() { Name = name, Dims = dims, DataType = OnnxDataType.Int32, Raw = MemoryMarshal.AsBytes(values).ToArray() };

    public static OnnxTensorProto FromInt64s(string name, long[] dims, ReadOnlySpan<long> values) =>
        new() { Name = name, Dims = dims, DataType = OnnxDataType.Int64, Raw = MemoryMarshal.AsBytes(values).ToArray() };

    public static OnnxTensorProto FromBytes(string name, long[] dims, OnnxDataType type, byte[] values) =>
        new() { Name = name, Dims = dims, DataType = type, Raw = values };

    /// <summary>The values of a float tensor (a copy).</summary>
    public float[] ToFloats() => DataType == OnnxDataType.Float
        ? MemoryMarshal.Cast<byte, float>(Raw.AsSpan()).ToArray()
        : throw new InvalidDataException($"initializer '{Name}' is {DataType}, not float");

    public byte[] ToBytes() => ProtoWire.Write(
    [
        ProtoWire.PackedInt64s(DimsField, Dims),
        ProtoField.Varint(DataTypeField, (long)DataType),
        ProtoField.String(NameField, Name),
        ProtoField.Delimited(RawDataField, Raw),
    ]);
}

/// <summary>An ONNX <c>ValueInfoProto</c> of a tensor: name, element type and shape (null for a symbolic or unknown dimension).</summary>
internal sealed class OnnxValueInfo
{
    private const int NameField = 1, TypeField = 2;
    private const int TensorTypeField = 1, ElemTypeField = 1, ShapeField = 2, DimField = 1, DimValueField = 1, DimParamField = 2;

    public required string Name { get; set; }
    public OnnxDataType ElementType { get; set; } = OnnxDataType.Float;

    /// <summary>Dimensions; null when the value info has no shape, an element is null for a symbolic dimension.</summary>
    public long?[]? Shape { get; set; }

    /// <summary>Symbolic names of the dimensions (null where fixed or unnamed).</summary>
    public string?[]? DimParams { get; set; }

    public static OnnxValueInfo Parse(ReadOnlyMemory<byte> bytes)
    {
        List<ProtoField> fields = ProtoWire.Parse(bytes);
        var info = new OnnxValueInfo { Name = fields.LastOrDefault(f => f.Number == NameField) is { Type: WireType.LengthDelimited } n ? n.AsString() : "" };
        if (fields.LastOrDefault(f => f.Number == TypeField) is not { Type: WireType.LengthDelimited } type) return info;
        if (ProtoWire.Parse(type.Bytes).LastOrDefault(f => f.Number == TensorTypeField) is not { Type: WireType.LengthDelimited } tensor) return info;
        List<ProtoField> t = ProtoWire.Parse(tensor.Bytes);
        info.ElementType = (OnnxDataType)t.LastOrDefault(f => f.Number == ElemTypeField).AsInt64();
        if (t.LastOrDefault(f => f.Number == ShapeField) is not { Type: WireType.LengthDelimited } shape) return info;
        var dims = new List<long?>();
        var names = new List<string?>();
        foreach (ProtoField d in ProtoWire.Parse(shape.Bytes).Where(f => f.Number == DimField))
        {
            List<ProtoField> dim = ProtoWire.Parse(d.Bytes);
            dims.Add(dim.FirstOrDefault(f => f.Number == DimValueField) is { Number: DimValueField, Type: WireType.Varint } v ? v.AsInt64() : null);
            names.Add(dim.FirstOrDefault(f => f.Number == DimParamField) is { Type: WireType.LengthDelimited } p ? p.AsString() : null);
        }
        info.Shape = [.. dims];
        info.DimParams = [.. names];
        return info;
    }

    public byte[] ToBytes()
    {
        var tensor = new List<ProtoField> { ProtoField.Varint(ElemTypeField, (long)ElementType) };
        if (Shape is not null)
        {
            var dims = Shape.Select((d, i) => ProtoField.Delimited(DimField, ProtoWire.Write(
                d is { } value ? [ProtoField.Varint(DimValueField, value)] : [ProtoField.String(DimParamField, DimParams?[i] ?? $"d{i}")])));
            tensor.Add(ProtoField.Delimited(ShapeField, ProtoWire.Write(dims)));
        }
        return ProtoWire.Write(
        [
            ProtoField.String(NameField, Name),
            ProtoField.Delimited(TypeField, ProtoWire.Write([ProtoField.Delimited(TensorTypeField, ProtoWire.Write(tensor))])),
        ]);
    }
}
