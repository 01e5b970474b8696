using Xunit;
using System.Buffers.Binary;

namespace Lookalike.TestKit.Imaging;

/// <summary>Byte-level JPEG edits: EXIF orientation, SOF size, and a hand-built Adobe CMYK JPEG.</summary>
public static class JpegSurgery
{
    /// <summary>Inserts an APP1 Exif segment with only tag 0x0112 (Orientation = <paramref name="orientation"/>) right after SOI.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        Assert.True(jpeg[0] == 0xFF && jpeg[1] == 0xD8, "not a JPEG");
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, // big-endian TIFF header, IFD0 at offset 8
            0x00, 0x01,                                             // one entry
            0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01,         // tag 0x0112, type SHORT, count 1
            (byte)(orientation >> 8), (byte)orientation, 0x00, 0x00, // value, padded to 4 bytes
            0x00, 0x00, 0x00, 0x00,                                 // no next IFD
        ];
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>Rewrites the frame size in the first SOF0/SOF2 marker (a header that lies about its size).</summary>
    public static byte[] WithFrameSize(byte[] jpeg, ushort width, ushort height)
    {
        var copy = (byte[])jpeg.Clone();
        int sof = FindMarker(copy, 0xC0);
        if (sof < 0)
            sof = FindMarker(copy, 0xC2);
        Assert.True(sof >= 0, "no SOF marker");
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 5), height);
        BinaryPrimitives.WriteUInt16BigEndian(copy.AsSpan(sof + 7), width);
        return copy;
    }

    /// <summary>Offset of the first marker 0xFF <paramref name="code"/> found by walking the segments before the scan; -1 if absent.</summary>
    public static int FindMarker(byte[] jpeg, byte code)
    {
        int i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            byte marker = jpeg[i + 1];
            if (marker == code)
                return i;
            if (marker == 0xDA)
                return -1;
            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }
        return -1;
    }

    /// <summary>Offset just after the SOS header: where entropy-coded scan data begins.</summary>
    public static int ScanDataStart(byte[] jpeg)
    {
        int i = 2;
        while (jpeg[i] == 0xFF && jpeg[i + 1] != 0xDA)
            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        return i + 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
    }

    /// <summary>
    /// An 8×8 baseline JPEG with four components and an Adobe APP14 marker (transform 0): the layout Photoshop
    /// writes for CMYK, with inverted samples (255 = no ink). Every block is flat, so each is a DC value and an EOB.
    /// </summary>
    /// <param name="cmykStored">The stored (inverted) C, M, Y, K sample values, each 0 or 255.</param>
    public static byte[] AdobeCmyk(byte[] cmykStored)
    {
        using var o = new MemoryStream();
        o.Write([0xFF, 0xD8]);
        o.Write([0xFF, 0xEE, 0x00, 0x0E, .. "Adobe"u8, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00]); // APP14, transform 0
        // One quantisation table, all 8: a DC coefficient d then decodes to the flat sample 128 + d.
        o.Write([0xFF, 0xDB, 0x00, 0x43, 0x00]);
        for (int i = 0; i < 64; i++)
            o.WriteByte(8);
        o.Write([0xFF, 0xC0, 0x00, 0x14, 0x08, 0x00, 0x08, 0x00, 0x08, 0x04,
                 0x01, 0x11, 0x00, 0x02, 0x11, 0x00, 0x03, 0x11, 0x00, 0x04, 0x11, 0x00]);
        // DC table 0: "00" → category 7, "01" → category 8. AC table 0: "0" → EOB.
        o.Write([0xFF, 0xC4, 0x00, 0x15, 0x00, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 8]);
        o.Write([0xFF, 0xC4, 0x00, 0x14, 0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]);
        o.Write([0xFF, 0xDA, 0x00, 0x0E, 0x04, 0x01, 0x00, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x3F, 0x00]);

        var bits = new List<bool>();
        foreach (byte sample in cmykStored)
        {
            int d = sample - 128; // 255 → 127 (category 7), 0 → -128 (category 8)
            int category = d == 127 ? 7 : d == -128 ? 8 : throw new ArgumentException("samples must be 0 or 255");
            Append(bits, category == 7 ? 0b00 : 0b01, 2);
            Append(bits, d >= 0 ? d : d + (1 << category) - 1, category);
            Append(bits, 0, 1); // EOB
        }
        while (bits.Count % 8 != 0)
            bits.Add(true);
        for (int i = 0; i < bits.Count; i += 8)
        {
            int b = 0;
            for (int k = 0; k < 8; k++)
                b = (b << 1) | (bits[i + k] ? 1 : 0);
            o.WriteByte((byte)b);
            if (b == 0xFF)
                o.WriteByte(0x00); // byte stuffing
        }
        o.Write([0xFF, 0xD9]);
        return o.ToArray();
    }

    private static void Append(List<bool> bits, int value, int count)
    {
        for (int k = count - 1; k >= 0; k--)
            bits.Add(((value >> k) & 1) != 0);
    }
}
