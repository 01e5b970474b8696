using System.Globalization;
using Lookalike.Core.Errors;
using Microsoft.Extensions.Primitives;

namespace Lookalike.Server.Http;

/// <summary>
/// A photo sent as <c>multipart/form-data</c> with a file field named <c>image</c>, plus the form's other fields.
/// Reading enforces <see cref="LookalikeServerOptions.MaxUploadBytes"/> and turns every malformed body into a typed
/// error naming the problem. The bytes are not trusted: the decoder sniffs and validates them.
/// </summary>
internal sealed record ImageUpload(byte[] Bytes, string FileName, IFormCollection Form)
{
    public const string ImageField = "image";

    /// <summary>Most form fields (files and values) one upload may have.</summary>
    public const int MaxFormFields = 64;

    private const int UploadedItemsColumns = Hosting.Serving.UploadedItems.MaxColumns;

    /// <summary>
    /// Uploads up to this size (8 MiB: a 12–48 MP phone JPEG) are read in memory; larger ones are buffered in a
    /// temporary file, so concurrent uploads cannot hold <see cref="LookalikeServerOptions.MaxUploadBytes"/> each in memory.
    /// </summary>
    public const int InMemoryBytes = 8 * 1024 * 1024;

    /// <summary>Room for multipart boundaries, headers and the small fields beside the file.</summary>
    public const long MultipartAllowance = 1024 * 1024;

    /// <summary>Whether <paramref name="endpoint"/> takes an uploaded photo (search, add item, explain a photo).</summary>
    public static bool IsUploadEndpoint(Endpoint? endpoint) =>
        endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is "SearchByImage" or "AddItem" or "ExplainImage";

    /// <summary>A form field, else the query string value of the same name; null when neither has it.</summary>
    public string? Field(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        StringValues value = Form.TryGetValue(name, out var fromForm) ? fromForm : request.Query[name];
        return StringValues.IsNullOrEmpty(value) ? null : value.ToString();
    }

    /// <summary>All values of a repeatable field from the form and the query string.</summary>
    public string[] Fields(HttpRequest request, string name)
    {
        ArgumentNullException.ThrowIfNull(request);
        return [.. Form[name].Concat(request.Query[name]).Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)];
    }

    /// <exception cref="LookalikeException">
    /// UnsupportedImage (not multipart), ImageTooLarge (over the limit), InvalidArgument (malformed body, no image field).
    /// </exception>
    public static async Task<ImageUpload> ReadAsync(HttpRequest request, LookalikeServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new LookalikeException(LookalikeErrorKind.UnsupportedImage,
                $"Send the photo as multipart/form-data with a file field named '{ImageField}' (got Content-Type '{request.ContentType ?? "none"}').", "Content-Type");
        if (request.ContentLength > options.MaxUploadBytes + MultipartAllowance)
            throw TooLarge("The upload", request.ContentLength.Value, options.MaxUploadBytes);

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken);
        }
        catch (InvalidDataException e) when (e.Message.Contains("Multipart body length limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new LookalikeException(LookalikeErrorKind.ImageTooLarge,
                $"The upload is over the limit of {Describe(options.MaxUploadBytes)}: {e.Message}", ImageField, e);
        }
        catch (InvalidDataException e) when (e.Message.Contains("value count limit", StringComparison.OrdinalIgnoreCase))
        {
            throw LookalikeException.InvalidArgument("form", $"The form has more than {MaxFormFields} fields; send the photo, k, where and at most {UploadedItemsColumns} metadata columns.");
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            // Key, value, header or line length: a field, not the photo, is too big.
            throw new LookalikeException(LookalikeErrorKind.RequestTooLarge, $"A form field is over a limit of this server: {e.Message}", "form", e);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested && e is not BadHttpRequestException)
        {
            throw LookalikeException.InvalidArgument(ImageField, $"The multipart/form-data body is malformed: {e.Message}");
        }

        var file = form.Files.GetFile(ImageField) ?? throw LookalikeException.InvalidArgument(ImageField,
            $"No file field named '{ImageField}' in the form" +
            (form.Files.Count + form.Keys.Count == 0 ? "." : $" (fields sent: {string.Join(", ", form.Files.Select(f => f.Name).Concat(form.Keys).Distinct().Take(10))})."));
        string name = SafeName(file.FileName);
        if (file.Length > options.MaxUploadBytes) throw TooLarge($"'{name}'", file.Length, options.MaxUploadBytes);

        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
            await stream.ReadExactlyAsync(bytes, cancellationToken);
        return new ImageUpload(bytes, name, form);
    }

    /// <summary>The client's file name without folders or control characters, at most 200 characters.</summary>
    private static string SafeName(string? fileName)
    {
        string name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c)).Take(200).ToArray()).Trim();
        return name.Length == 0 ? "upload" : name;
    }

    private static LookalikeException TooLarge(string what, long bytes, long limit) =>
        new(LookalikeErrorKind.ImageTooLarge,
            $"{what} is {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes; uploads are limited to {Describe(limit)}.", ImageField);

    private static string Describe(long bytes) =>
        bytes % (1024 * 1024) == 0
            ? $"{bytes / (1024 * 1024)} MiB"
            : $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes";
}
