using System.Buffers.Binary;
using System.Net.Http.Headers;

namespace Lookalike.Server.Tests.Support;

/// <summary>Uploads, good and hostile.</summary>
public static class TestImages
{
    /// <summary>A GIF whose header claims <paramref name="width"/>×<paramref name="height"/> pixels in a few dozen bytes.</summary>
    public static byte[] GifBomb(int width = 65_535, int height = 65_535)
    {
        using var output = new MemoryStream();
        output.Write("GIF89a"u8);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.Write([0x80, 0, 0, 0, 0, 0, 255, 255, 255]); // two-colour global table
        output.WriteByte(0x2C);
        WriteUInt16(output, 0);
        WriteUInt16(output, 0);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.WriteByte(0);
        output.WriteByte(2);
        output.Write([2, 0x44, 0x01, 0]);
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    /// <summary>A multipart body with <paramref name="bytes"/> as the <c>image</c> file and the given text fields.</summary>
    public static MultipartFormDataContent Form(byte[] bytes, string fileName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", fileName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }

    private static void WriteUInt16(Stream output, int value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)value);
        output.Write(buffer);
    }
}
