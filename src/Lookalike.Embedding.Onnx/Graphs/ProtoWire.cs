using System.Buffers.Binary;

namespace Lookalike.Embedding.Onnx.Graphs;

/// <summary>Protocol Buffers wire types (the low three bits of a field key).</summary>
internal enum WireType
{
    Varint = 0,
    Fixed64 = 1,
    LengthDelimited = 2,
    Fixed32 = 5,
}

/// <summary>
/// One field of a protobuf message as it appears on the wire: a number, a wire type and either an integer
/// (varint, fixed32, fixed64) or the bytes of a length-delimited value (string, bytes, sub-message, packed array).
/// </summary>
internal readonly record struct ProtoField(int Number, WireType Type, ulong Scalar, ReadOnlyMemory<byte> Bytes)
{
    public static ProtoField Varint(int number, long value) => new(number, WireType.Varint, unchecked((ulong)value), default);

    public static ProtoField Fixed32(int number, float value) => new(number, WireType.Fixed32, BitConverter.SingleToUInt32Bits(value), default);

    public static ProtoField Delimited(int number, ReadOnlyMemory<byte> bytes) => new(number, WireType.LengthDelimited, 0, bytes);

    public static ProtoField String(int number, string value) => Delimited(number, System.Text.Encoding.UTF8.GetBytes(value));

    public string AsString() => System.Text.Encoding.UTF8.GetString(Bytes.Span);

    public long AsInt64() => unchecked((long)Scalar);

    public float AsFloat() => BitConverter.UInt32BitsToSingle((uint)Scalar);
}

/// <summary>
/// Minimal protobuf wire-format reading and writing: enough to parse an ONNX model into fields, change a few,
/// and write it back with every field it does not understand kept byte for byte. No schema, no reflection.
/// </summary>
internal static class ProtoWire
{
    /// <summary>Splits one message into its fields, in wire order. Length-delimited values share <paramref name="message"/>'s memory.</summary>
    /// <exception cref="InvalidDataException">Malformed input (truncated, bad wire type, varint too long).</exception>
    public static List<ProtoField> Parse(ReadOnlyMemory<byte> message)
    {
        var fields = new List<ProtoField>();
        ReadOnlySpan<byte> span = message.Span;
        int position = 0;
        while (position < span.Length)
        {
            ulong key = ReadVarint(span, ref position);
            int number = checked((int)(key >> 3));
            var type = (WireType)(key & 7);
            if (number <= 0) throw new InvalidDataException($"protobuf field number {number} at byte {position}");
            switch (type)
            {
                case WireType.Varint:
                    fields.Add(new ProtoField(number, type, ReadVarint(span, ref position), default));
                    break;
                case WireType.Fixed64:
                    Need(span, position, 8);
                    fields.Add(new ProtoField(number, type, BinaryPrimitives.ReadUInt64LittleEndian(span[position..]), default));
                    position += 8;
                    break;
                case WireType.Fixed32:
                    Need(span, position, 4);
                    fields.Add(new ProtoField(number, type, BinaryPrimitives.ReadUInt32LittleEndian(span[position..]), default));
                    position += 4;
                    break;
                case WireType.LengthDelimited:
                    int length = checked((int)ReadVarint(span, ref position));
                    Need(span, position, length);
                    fields.Add(new ProtoField(number, type, 0, message.Slice(position, length)));
                    position += length;
                    break;
                default:
                    throw new InvalidDataException($"unsupported protobuf wire type {(int)type} at byte {position}");
            }
        }
        return fields;
    }

    /// <summary>Serialises <paramref name="fields"/> in order.</summary>
    public static byte[] Write(IEnumerable<ProtoField> fields)
    {
        var buffer = new ProtoBuffer();
        foreach (ProtoField field in fields) buffer.Add(field);
        return buffer.ToArray();
    }

    /// <summary>Decodes a packed repeated varint field (e.g. int64 dims), also accepting the unpacked form.</summary>
    public static IEnumerable<long> Int64s(IEnumerable<ProtoField> fields, int number)
    {
        foreach (ProtoField f in fields)
        {
            if (f.Number != number) continue;
            if (f.Type == WireType.Varint)
            {
                yield return f.AsInt64();
                continue;
            }
            var values = new List<long>();
            ReadOnlySpan<byte> span = f.Bytes.Span;
            int position = 0;
            while (position < span.Length) values.Add(unchecked((long)ReadVarint(span, ref position)));
            foreach (long v in values) yield return v;
        }
    }

    /// <summary>A packed repeated varint field.</summary>
    public static ProtoField PackedInt64s(int number, IEnumerable<long> values)
    {
        var buffer = new ProtoBuffer();
        foreach (long v in values) buffer.WriteVarint(unchecked((ulong)v));
        return ProtoField.Delimited(number, buffer.ToArray());
    }

    internal static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            Need(span, position, 1);
            byte b = span[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return result;
        }
        throw new InvalidDataException($"protobuf varint longer than 10 bytes at byte {position}");
    }

    private static void Need(ReadOnlySpan<byte> span, int position, int count)
    {
        if (count < 0 || position > span.Length - count)
            throw new InvalidDataException($"protobuf message truncated at byte {position} (needs {count} more bytes)");
    }
}

/// <summary>A growable byte buffer that writes protobuf fields.</summary>
internal sealed class ProtoBuffer
{
    private byte[] _bytes;
    private int _length;

    /// <param name="capacity">Initial size in bytes; give the expected total to avoid regrowing a large buffer.</param>
    public ProtoBuffer(int capacity = 256) => _bytes = new byte[Math.Max(16, capacity)];

    public void Add(ProtoField field)
    {
        WriteVarint(((ulong)field.Number << 3) | (uint)field.Type);
        switch (field.Type)
        {
            case WireType.Varint:
                WriteVarint(field.Scalar);
                break;
            case WireType.Fixed64:
                BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), field.Scalar);
                break;
            case WireType.Fixed32:
                BinaryPrimitives.WriteUInt32LittleEndian(Reserve(4), (uint)field.Scalar);
                break;
            case WireType.LengthDelimited:
                WriteVarint((ulong)field.Bytes.Length);
                field.Bytes.Span.CopyTo(Reserve(field.Bytes.Length));
                break;
            default:
                throw new InvalidOperationException($"wire type {field.Type}");
        }
    }

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            Reserve(1)[0] = (byte)(value | 0x80);
            value >>= 7;
        }
        Reserve(1)[0] = (byte)value;
    }

    public byte[] ToArray() => _bytes.AsSpan(0, _length).ToArray();

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _bytes.Length)
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + count));
        Span<byte> span = _bytes.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
