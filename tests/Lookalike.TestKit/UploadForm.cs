using System.Net.Http.Headers;

namespace Lookalike.TestKit;

/// <summary>Multipart bodies as the server's photo endpoints (<c>/api/search</c>, <c>/api/items</c>…) take them.</summary>
public static class UploadForm
{
    /// <summary>A multipart body with <paramref name="bytes"/> as the <c>image</c> file and the given text fields.</summary>
    public static MultipartFormDataContent Image(byte[] bytes, string fileName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", fileName);
        foreach (var (name, value) in fields) form.Add(new StringContent(value), name);
        return form;
    }
}
